package id.gelombang.common.problem;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import id.gelombang.common.problem.FieldErrors.FieldError;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** An RFC 9457 problem document; {@code errors} lists every invalid field of a request. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors, String reason) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
