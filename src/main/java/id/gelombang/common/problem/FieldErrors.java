package id.gelombang.common.problem;

import java.util.ArrayList;
import java.util.List;

/** Collects every invalid field of a request so that one answer can list them all. */
public final class FieldErrors {

    public record FieldError(String field, String message) {
    }

    private final List<FieldError> errors = new ArrayList<>();

    public FieldErrors add(String field, String message) {
        errors.add(new FieldError(field, message));
        return this;
    }

    public boolean has(String field) {
        return errors.stream().anyMatch(e -> e.field().equals(field));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<FieldError> list() {
        return List.copyOf(errors);
    }
}
