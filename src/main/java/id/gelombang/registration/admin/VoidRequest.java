package id.gelombang.registration.admin;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of POST /v1/admin/waves/{code}/voids: whose NIK, and the case that proved the registration holding it fraudulent. */
@Schema(description = "The owner's NIK (matched by its keyed digest among the wave's registrations; never stored or logged)"
        + " and the case number of the identity check that proved the registration holding it fraudulent")
public record VoidRequest(
        @Schema(required = true, description = "The NIK of the identity's owner, 16 digits", pattern = "^[0-9]{16}$",
                minLength = 16, maxLength = 16)
        String nik,
        @Schema(required = true, description = "The identity check's case number: 3-64 letters, digits or - _ . / : #, "
                + "with at least one digit; nothing personal. A second call with it answers the same void.",
                pattern = "^[A-Za-z0-9][A-Za-z0-9._/:#-]{2,63}$", minLength = 3, maxLength = 64)
        String caseReference) {
}
