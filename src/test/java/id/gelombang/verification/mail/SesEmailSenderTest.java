package id.gelombang.verification.mail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ses.model.MessageRejectedException;
import software.amazon.awssdk.services.ses.model.SesException;

/** SES's answers, as the SDK raises them, mapped to what the email job does next. */
class SesEmailSenderTest {

    private static final String ADDRESS_IN_MESSAGE = "Email address is not verified: siti@example.com";

    @Test
    void throttlingMakesTheJobWaitWhateverTheCodeSpelling() {
        assertThat(SesEmailSender.failure(serviceError(400, "Throttling"))).isInstanceOf(EmailSender.SendThrottled.class);
        assertThat(SesEmailSender.failure(serviceError(400, "ThrottlingException"))).isInstanceOf(EmailSender.SendThrottled.class);
        assertThat(SesEmailSender.failure(serviceError(429, "SomethingElse"))).isInstanceOf(EmailSender.SendThrottled.class);
    }

    @Test
    void aRejectedMessageIsRefusedForGood() {
        RuntimeException typed = SesEmailSender.failure(MessageRejectedException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("MessageRejected").errorMessage(ADDRESS_IN_MESSAGE).build())
                .message(ADDRESS_IN_MESSAGE).build());
        assertThat(typed).isInstanceOf(EmailSender.SendRefused.class).hasMessage("ses-message-rejected");
        assertThat(SesEmailSender.failure(serviceError(400, "MessageRejected"))).isInstanceOf(EmailSender.SendRefused.class);
    }

    @Test
    void otherServiceErrorsAndNetworkErrorsAreRetriedWithoutSesMessage() {
        RuntimeException server = SesEmailSender.failure(serviceError(500, "InternalFailure"));
        assertThat(server).isInstanceOf(EmailSender.SendFailed.class).hasMessage("ses-500");
        RuntimeException network = SesEmailSender.failure(SdkClientException.create("Unable to execute HTTP request: " + ADDRESS_IN_MESSAGE));
        assertThat(network).isInstanceOf(EmailSender.SendFailed.class).hasMessage("ses-unreachable");
    }

    private static SesException serviceError(int status, String code) {
        return (SesException) SesException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(ADDRESS_IN_MESSAGE).build())
                .message(ADDRESS_IN_MESSAGE).build();
    }
}
