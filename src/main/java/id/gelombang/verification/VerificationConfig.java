package id.gelombang.verification;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "gelombang.verification")
public interface VerificationConfig {

    /** How long a claimed job is reserved for its worker; longer than one call with its wait for a slot. */
    @WithDefault("PT2M")
    Duration lease();

    /**
     * Tries that failed on the job's own account (the service refused its request, or an unexpected
     * error) before it ends FAILED. Outages, waits for quota and throttling do not count.
     */
    @WithDefault("12")
    int maxAttempts();

    /** Backoff after a counted failure: full jitter up to min(cap, base x 2^(n-1)). */
    @WithDefault("PT10S")
    Duration backoffBase();

    @WithDefault("PT30M")
    Duration backoffCap();

    /** How often an idle drain looks for new work. */
    @WithDefault("PT1S")
    Duration pollInterval();

    /**
     * Share of each configured rate left unused, so that jitter between reserving a slot and the
     * request arriving cannot push any one-second window over the limit.
     */
    @WithDefault("0.1")
    double pacingMargin();

    /** Drain every kind in a background thread of this process (the local run); in AWS schedules drive the workers. */
    @WithDefault("false")
    boolean inProcessWorkers();

    Email email();

    Dukcapil dukcapil();

    interface Email {
        /** "ses" in AWS; "local" keeps mail in memory (local run and tests without LocalStack). */
        @WithDefault("local")
        Transport transport();

        @WithDefault("Gelombang <no-reply@gelombang.local>")
        String from();

        /** SES region; by default the function's own (AWS_REGION). */
        Optional<String> sesRegion();

        /** SES endpoint other than the region's own (LocalStack in tests). */
        Optional<URI> sesEndpoint();

        /** Static credentials for that endpoint; in AWS the function's role is used. */
        Optional<String> sesAccessKeyId();

        Optional<String> sesSecretAccessKey();

        /**
         * SES configuration set every message is sent with; its event destination reports bounces and
         * complaints (EmailFeedback). In AWS the template's EmailConfigurationSet.
         */
        Optional<String> configurationSet();

        /** With the local transport, also write each message to a file here (the local run's inbox). */
        Optional<java.nio.file.Path> localDirectory();

        /** SES's sending rate for the account (sandbox: 1 per second). */
        @WithDefault("1")
        double ratePerSecond();

        /** SES's 24-hour sending quota (sandbox: 200). */
        @WithDefault("200")
        int dailyQuota();

        /**
         * Share of the day's quota that outcome notices may use (above 0, at most 1); the rest is
         * kept for email and access codes, which a wave's notices must never hold up.
         */
        @WithDefault("0.8")
        double noticeShare();

        /**
         * Share of the day's quota that access codes may use (above 0, at most 1), counted on their
         * own: anyone holding a leaked list of NIKs and birth dates can ask for codes, and those
         * requests must never spend the mail that registrants' email codes need.
         */
        @WithDefault("0.2")
        double accessCodeShare();

        /**
         * The public site's address, named in access-code mails and outcome notices so registrants
         * know where to come back. Holds no secret; without it the mails name the page by its wording.
         */
        Optional<URI> siteUrl();

        enum Transport {
            SES, LOCAL
        }
    }

    interface Dukcapil {
        /** Base URL of the NIK verification API; without it NIK checks wait. */
        Optional<URI> url();

        /** The organisation's API credential, sent as a bearer token, when it is fixed in configuration. */
        Optional<String> credential();

        /**
         * The Secrets Manager secret (ARN or name) holding the credential, read at first use and again
         * after the registry refuses it (a rotation); it takes precedence over {@link #credential()}.
         */
        Optional<String> credentialSecret();

        /** The AWS Parameters and Secrets Lambda Extension's local endpoint, through which the secret is read. */
        @WithDefault("http://localhost:2773")
        URI secretsExtension();

        @WithDefault("10")
        double ratePerSecond();

        @WithDefault("100000")
        int dailyQuota();

        /**
         * Share (0 to 1) of the rest of the day's registry capacity kept for checks of registrants who
         * verified their email: an unverified registration's check takes only quota beyond it
         * (RegistryQuotaShare). 1: only quota no verified check could use before the daily reset.
         */
        @WithDefault("1")
        double unverifiedReserve();

        /** How old an unverified registration must be before its NIK check may run: its registrant's time to type the code. */
        @WithDefault("PT30M")
        Duration unverifiedAfter();

        /**
         * How long a registration that has not proved its email address keeps a NIK someone else was
         * refused for, from the contest or its first code's mailing (ContestedHold), never past twice
         * this after the contest; then it is released without a registry call. Two codes' lives (10
         * minutes each): a holder whose first code expired can ask for another and use it.
         */
        @WithDefault("PT20M")
        Duration contestGrace();

        /** Connect and response timeout of one call. */
        @WithDefault("PT5S")
        Duration timeout();

        /** Failures in a row that open the circuit: calls stop until {@link #breakerOpenFor()} has passed. */
        @WithDefault("5")
        int breakerFailures();

        @WithDefault("PT30S")
        Duration breakerOpenFor();

        /**
         * Refusals of single requests ({@code 400 409 410 413 422}) in a row, with no answer between
         * them, after which a refusal counts as an outage: one registrant's odd record is refused
         * now and then, but a registry that refuses everything has changed, not our registrants.
         */
        @WithDefault("20")
        int breakerRefusals();
    }
}
