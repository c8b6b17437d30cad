package id.gelombang.registration.rest;

import static id.gelombang.common.openapi.DocumentModel.length;
import static id.gelombang.common.openapi.DocumentModel.oneOf;
import static id.gelombang.common.openapi.DocumentModel.pattern;
import static id.gelombang.common.openapi.DocumentModel.string;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import id.gelombang.common.openapi.DocumentModel;
import id.gelombang.registration.domain.ApplicantRules;
import id.gelombang.registration.domain.EmailAddress;
import id.gelombang.registration.domain.KkNumber;
import id.gelombang.registration.domain.KtpStatus;
import id.gelombang.registration.domain.Nik;
import id.gelombang.registration.domain.NikStatus;
import id.gelombang.registration.domain.PhoneNumber;
import id.gelombang.registration.domain.RegistrationStatus;
import id.gelombang.registration.domain.Sex;
import id.gelombang.wave.WaveRules;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Writes into the served document what the registration rules enforce, from the constants the
 * rules themselves read (ApplicantRules, Nik, KkNumber, EmailAddress, PhoneNumber, IdempotencyKeys,
 * WaveRules): a client generated from /q/openapi sends nothing those rules refuse for its shape.
 * What JSON Schema cannot say stays in the descriptions and the contract: a NIK's date and sex
 * must agree with birthDate and sex, the registrant must be 18 on the day the wave opens, and the
 * wave must exist. Also declares the registration token and links every call it authorizes to
 * the 201 that hands it out.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class RegistrationDocumentation implements OASFilter {

    static final String TOKEN_SCHEME = "registrationToken";
    /** Every call about one registration; each needs that registration's token. */
    static final String REGISTRATION_CALLS = "/v1/registrations/{id}";
    private static final String REGISTER = "/v1/registrations";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        DocumentModel model = DocumentModel.of(openAPI);
        pattern(model.property("RegistrationRequest", "nik"), Nik.PATTERN);
        pattern(model.property("RegistrationRequest", "kkNumber"), KkNumber.PATTERN);
        length(pattern(model.property("RegistrationRequest", "fullName"), ApplicantRules.NAME_PATTERN), 1,
                ApplicantRules.MAX_NAME_LENGTH);
        pattern(model.property("RegistrationRequest", "birthDate"), ApplicantRules.BIRTH_DATE_PATTERN);
        oneOf(model.property("RegistrationRequest", "sex"), Sex.values());
        pattern(model.property("RegistrationRequest", "email"), EmailAddress.PATTERN).maxLength(EmailAddress.MAX_LENGTH);
        pattern(model.property("RegistrationRequest", "phone"), PhoneNumber.PATTERN);
        pattern(model.property("RegistrationRequest", "waveCode"), WaveRules.CODE_PATTERN);
        model.parameter(REGISTER, PathItem.HttpMethod.POST, Parameter.In.HEADER, RegistrationResource.IDEMPOTENCY_KEY)
                .schema(length(pattern(string(), IdempotencyKeys.PATTERN), 1, IdempotencyKeys.MAX_LENGTH));

        oneOf(model.property("RegistrationCreated", "status"), RegistrationStatus.REGISTERED);
        oneOf(model.property("RegistrationView", "status"), RegistrationStatus.shown().toArray(RegistrationStatus[]::new));
        oneOf(model.property("Ktp", "status"), KtpStatus.values());
        oneOf(model.property("NikVerification", "status"), NikStatus.values());
        oneOf(model.property("Selection", "status"), RegistrationStatus.SELECTED, RegistrationStatus.NOT_SELECTED);

        // Ids are UUIDs; anything else is answered like another registration's id (404).
        model.pathParameter("id", string().format("uuid"));
        openAPI.getComponents().addSecurityScheme(TOKEN_SCHEME, OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("The registrationToken from the 201 of POST /v1/registrations (or a new one from the way back)."));
        APIResponse created = model.operation(REGISTER, PathItem.HttpMethod.POST).getResponses().getAPIResponse("201");
        model.forEachOperation((path, operation) -> {
            if (path.startsWith(REGISTRATION_CALLS)) {
                operation.getValue().addSecurityRequirement(OASFactory.createSecurityRequirement().addScheme(TOKEN_SCHEME));
                created.addLink(linkName(path, operation.getKey()), OASFactory.createLink()
                        .operationRef("#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + operation.getKey().name().toLowerCase())
                        .parameters(Map.of("path.id", "$response.body#/id"))
                        .description("With this body's registrationToken as the Bearer token"));
            }
        });
    }

    /** GetRegistration, PostKtpUploadUrl, ...: a link name for each call on the new registration. */
    private static String linkName(String path, PathItem.HttpMethod method) {
        StringBuilder name = new StringBuilder(method.name().charAt(0) + method.name().substring(1).toLowerCase());
        String rest = path.substring(REGISTRATION_CALLS.length());
        if (rest.isEmpty()) {
            name.append("Registration");
        }
        for (String word : rest.split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
                name.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return name.toString();
    }
}
