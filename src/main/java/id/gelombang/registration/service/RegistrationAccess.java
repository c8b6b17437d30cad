package id.gelombang.registration.service;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.domain.RegistrationStatus;
import id.gelombang.registration.persistence.Registration;
import io.smallrye.mutiny.Uni;

/**
 * Authenticates calls about one registration by its bearer token: no or unknown token is 401;
 * a valid token for another registration is 404, so nobody learns whether an id exists; the token
 * of a withdrawn registration is 410 for every call but the (repeatable) withdrawal itself; the
 * token of a registration an operator voided (made with someone else's identity) is 410 for every call.
 */
@ApplicationScoped
public class RegistrationAccess {

    private static final String BEARER = "bearer ";

    /** Must run inside a Hibernate Reactive session. */
    public Uni<Registration> authorize(String registrationId, String authorization) {
        return authorize(registrationId, authorization, Registration::findByTokenDigest).invoke(RegistrationAccess::notWithdrawn);
    }

    /**
     * As {@link #authorize}, reading the row under a lock held until the transaction ends, for
     * changes that must not interleave (KTP confirm racing its storage event). Needs a transaction.
     */
    public Uni<Registration> authorizeForUpdate(String registrationId, String authorization) {
        return authorizeForUpdate(registrationId, authorization, false);
    }

    /**
     * As {@link #authorizeForUpdate}; with {@code withdrawnToo} a withdrawn registration is returned
     * instead of answering 410 (withdrawing again is allowed and changes nothing).
     */
    public Uni<Registration> authorizeForUpdate(String registrationId, String authorization, boolean withdrawnToo) {
        Uni<Registration> registration = authorize(registrationId, authorization, Registration::findByTokenDigestForUpdate);
        return withdrawnToo ? registration.invoke(r -> notVoided(r.status)) : registration.invoke(RegistrationAccess::notWithdrawn);
    }

    /**
     * The digest of the bearer token in an Authorization header, to look its registration up with;
     * 401 when the header holds no well-formed token.
     */
    public byte[] tokenDigest(String authorization) {
        String token = bearerToken(authorization);
        if (!RegistrationToken.looksValid(token)) {
            throw unauthorized();
        }
        return RegistrationToken.digest(token);
    }

    /**
     * The checks of {@link #authorize} for a statement that looked the token's registration up
     * itself: {@code holderId} is the registration holding the token, null when none does.
     */
    public void admit(String registrationId, UUID holderId, RegistrationStatus holderStatus) {
        admitHolder(registrationId, holderId);
        notWithdrawn(holderStatus);
    }

    /** 410 once the registrant has withdrawn: the personal data is gone and nothing more can happen. */
    private static void notWithdrawn(Registration registration) {
        notWithdrawn(registration.status);
    }

    private static void notWithdrawn(RegistrationStatus status) {
        if (status == RegistrationStatus.WITHDRAWN) {
            throw ProblemType.WITHDRAWN.exception("This registration was withdrawn and its personal data erased.");
        }
        notVoided(status);
    }

    private static void notVoided(RegistrationStatus status) {
        if (status == RegistrationStatus.VOIDED) {
            throw ProblemType.VOIDED.exception(VOIDED_DETAIL);
        }
    }

    /**
     * 410 /withdrawn for a call that would write personal data (a photo, an address, a code) to a
     * registration whose personal data retention erased: there is nothing to add it to, and nothing
     * may be kept again. Reading it still answers (GET, without the erased fields).
     */
    public static ProblemException erased() {
        return ProblemType.WITHDRAWN.exception("This registration's personal data has been erased.");
    }

    /** What the token of a voided registration is told, now and when its Idempotency-Key is replayed. */
    public static final String VOIDED_DETAIL = "The programme voided this registration: an identity check showed it was"
            + " made with someone else's NIK. If that is wrong, contact the programme's help desk.";

    private Uni<Registration> authorize(String registrationId, String authorization,
            Function<byte[], Uni<Registration>> findByTokenDigest) {
        byte[] digest;
        try {
            digest = tokenDigest(authorization);
        } catch (ProblemException e) {
            return Uni.createFrom().failure(e);
        }
        return findByTokenDigest.apply(digest).invoke(registration ->
                admitHolder(registrationId, registration == null ? null : registration.id));
    }

    /** 401 when no registration holds the token; 404 when it holds another's, so nobody learns whether an id exists. */
    private static void admitHolder(String registrationId, UUID holderId) {
        if (holderId == null) {
            throw unauthorized();
        }
        if (!holderId.equals(parseId(registrationId))) {
            throw ProblemType.NOT_FOUND.exception("No such registration.");
        }
    }

    private static String bearerToken(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return authorization.substring(BEARER.length()).strip();
    }

    /** The registration id in a path; null when it is not a UUID, which no registration has. */
    public static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ProblemException unauthorized() {
        return new ProblemException(
                ProblemType.UNAUTHORIZED.problem("Send the registrationToken from registration as 'Authorization: Bearer <token>'."),
                Map.of("WWW-Authenticate", "Bearer"));
    }
}
