package id.gelombang.registration.admin;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of POST /v1/admin/waves/{code}/voids: whose NIK, and the case that proved the registration holding it fraudulent.
 * Limits: VoidDocumentation, from Nik and VoidCase.
 */
@Schema(description = "The owner's NIK (matched by its keyed digest among the wave's registrations; never stored or logged)"
        + " and the case number of the identity check that proved the registration holding it fraudulent")
public record VoidRequest(
        @Schema(required = true, description = "The NIK of the identity's owner") String nik,
        @Schema(required = true, description = "The identity check's case number: 3-64 letters, digits or - _ . / : #, "
                + "with at least one digit; nothing personal. A second call with it answers the same void.")
        String caseReference) {
}
