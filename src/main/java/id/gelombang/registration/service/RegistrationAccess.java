package id.gelombang.registration.service;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.registration.persistence.Registration;
import io.smallrye.mutiny.Uni;

/**
 * Authenticates calls about one registration by its bearer token: no or unknown token is 401;
 * a valid token for another registration is 404, so nobody learns whether an id exists; the token
 * of a withdrawn registration is 410 for every call but the (repeatable) withdrawal itself.
 */
@ApplicationScoped
public class RegistrationAccess {

    private static final String BEARER = "bearer ";
    public static final String WITHDRAWN = "WITHDRAWN";

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
        return withdrawnToo ? registration : registration.invoke(RegistrationAccess::notWithdrawn);
    }

    /** 410 once the registrant has withdrawn: the personal data is gone and nothing more can happen. */
    private static void notWithdrawn(Registration registration) {
        if (WITHDRAWN.equals(registration.status)) {
            throw ProblemType.WITHDRAWN.exception("This registration was withdrawn and its personal data erased.");
        }
    }

    private Uni<Registration> authorize(String registrationId, String authorization,
            Function<byte[], Uni<Registration>> findByTokenDigest) {
        String token = bearerToken(authorization);
        if (!RegistrationToken.looksValid(token)) {
            return Uni.createFrom().failure(unauthorized());
        }
        return findByTokenDigest.apply(RegistrationToken.digest(token)).map(registration -> {
            if (registration == null) {
                throw unauthorized();
            }
            if (!registration.id.equals(parseId(registrationId))) {
                throw ProblemType.NOT_FOUND.exception("No such registration.");
            }
            return registration;
        });
    }

    private static String bearerToken(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return authorization.substring(BEARER.length()).strip();
    }

    private static UUID parseId(String id) {
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
