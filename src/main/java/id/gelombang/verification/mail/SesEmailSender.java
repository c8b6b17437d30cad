package id.gelombang.verification.mail;

import java.util.Optional;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.MessageRejectedException;
import software.amazon.awssdk.services.ses.model.SesException;

/**
 * Sends through Amazon SES's SendEmail with the AWS SDK's SES client.
 *
 * Over its sending rate SES answers "Throttling" and drops the message: that is reported as
 * {@link EmailSender.SendThrottled}, so the job waits and is retried, never counted as a failed
 * delivery. SES's error messages are not passed on: they can quote the address. Every message goes
 * out with the configuration set, whose event destination reports bounces and complaints.
 */
public class SesEmailSender implements EmailSender {

    private final SesClient ses;
    private final String from;
    private final String configurationSet;

    public SesEmailSender(SesClient ses, String from, Optional<String> configurationSet) {
        this.ses = ses;
        this.from = from;
        this.configurationSet = configurationSet.orElse(null);
    }

    @Override
    public void send(OutgoingEmail email) {
        try {
            ses.sendEmail(request -> request
                    .source(from)
                    .configurationSetName(configurationSet)
                    .destination(to -> to.toAddresses(email.to()))
                    .message(message -> message
                            .subject(subject -> subject.data(email.subject()).charset("UTF-8"))
                            .body(body -> body.text(text -> text.data(email.body()).charset("UTF-8")))));
        } catch (SdkException e) {
            throw failure(e);
        }
    }

    /** What a failed SendEmail means for the job; only codes, never SES's message. */
    static RuntimeException failure(SdkException e) {
        if (e instanceof MessageRejectedException) {
            return new SendRefused("ses-message-rejected");
        }
        if (e instanceof SesException service) {
            String code = service.awsErrorDetails() == null ? "" : String.valueOf(service.awsErrorDetails().errorCode());
            return switch (code) {
                case "Throttling", "ThrottlingException" -> new SendThrottled("ses-throttled");
                case "MessageRejected" -> new SendRefused("ses-message-rejected");
                default -> service.statusCode() == 429 ? new SendThrottled("ses-throttled") : new SendFailed("ses-" + service.statusCode());
            };
        }
        if (e instanceof SdkClientException) {
            return new SendFailed("ses-unreachable");
        }
        return new SendFailed("ses-error");
    }
}
