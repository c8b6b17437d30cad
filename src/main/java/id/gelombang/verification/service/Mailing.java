package id.gelombang.verification.service;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import id.gelombang.verification.mail.EmailSender;
import id.gelombang.verification.mail.OutgoingEmail;

/** Hands one email to the mail service and says what that means for its job. */
public final class Mailing {

    private Mailing() {
    }

    /**
     * Sends {@code email}: {@code effect} when the service took it; throttling waits a few seconds
     * without counting an attempt; a refused address ends the job; any other failure backs off.
     */
    public static <E> JobResult<E> send(EmailSender sender, OutgoingEmail email, E effect, Clock clock) {
        try {
            sender.send(email);
        } catch (EmailSender.SendThrottled e) {
            Duration wait = Duration.ofMillis(ThreadLocalRandom.current().nextLong(2_000, 10_000));
            return new JobResult.Deferred<>(clock.instant().plus(wait), e.getMessage());
        } catch (EmailSender.SendRefused e) {
            return new JobResult.Refused<>(e.getMessage());
        } catch (EmailSender.SendFailed e) {
            return new JobResult.Failed<>(e.getMessage());
        }
        return new JobResult.Completed<>(effect);
    }
}
