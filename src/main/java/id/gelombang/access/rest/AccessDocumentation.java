package id.gelombang.access.rest;

import static id.gelombang.common.openapi.DocumentModel.length;
import static id.gelombang.common.openapi.DocumentModel.oneOf;
import static id.gelombang.common.openapi.DocumentModel.pattern;
import static id.gelombang.common.openapi.DocumentModel.string;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

import id.gelombang.access.domain.AccessCodeRules;
import id.gelombang.common.openapi.DocumentModel;
import id.gelombang.registration.domain.ApplicantRules;
import id.gelombang.registration.domain.EmailAddress;
import id.gelombang.registration.domain.Nik;
import id.gelombang.registration.domain.RegistrationStatus;
import id.gelombang.registration.rest.IdempotencyKeys;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Writes into the served document what {@link AccessCodeRules#identity}, its code and ticket checks
 * and {@link EmailAddress} enforce on the way back and support's recovery, from their own constants.
 * What JSON Schema cannot say stays in the descriptions: the NIK must encode the birth date, which
 * must not be in the future.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class AccessDocumentation implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        DocumentModel model = DocumentModel.of(openAPI);
        for (String schema : List.of("AccessCodeRequest", "AccessRequest", "RecoveryRequest")) {
            pattern(model.property(schema, "nik"), Nik.PATTERN)
                    .description("PP KK CC DDMMYY SSSS; its date (women's day + 40) is birthDate");
            pattern(model.property(schema, "birthDate"), ApplicantRules.BIRTH_DATE_PATTERN)
                    .description("Not in the future");
        }
        pattern(model.property("AccessRequest", "code"), AccessCodeRules.CODE_PATTERN);
        pattern(model.property("RecoveryRequest", "email"), EmailAddress.PATTERN).maxLength(EmailAddress.MAX_LENGTH);
        length(pattern(model.property("RecoveryRequest", "ticket"), AccessCodeRules.TICKET_PATTERN), 1,
                AccessCodeRules.MAX_TICKET_LENGTH);
        // Optional here (a repeat of the same key sends no second code), with the same shape as on registration.
        model.parameter("/v1/registrations/access-codes", PathItem.HttpMethod.POST, Parameter.In.HEADER, "Idempotency-Key")
                .schema(length(pattern(string(), IdempotencyKeys.PATTERN), 1, IdempotencyKeys.MAX_LENGTH));
        oneOf(model.property("AccessGranted", "status"), RegistrationStatus.shown().toArray(RegistrationStatus[]::new));
    }
}
