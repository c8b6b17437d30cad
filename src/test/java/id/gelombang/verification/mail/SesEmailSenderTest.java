package id.gelombang.verification.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.SendEmailRequest;
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

    @Test
    void everyMessageGoesOutWithTheConfigurationSetWhoseEventsReportBounces() {
        AtomicReference<SendEmailRequest> sent = new AtomicReference<>();
        ExecutionInterceptor capture = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                sent.set((SendEmailRequest) context.request());
                throw SdkClientException.create("captured, not sent");
            }
        };
        try (SesClient ses = SesClient.builder().region(Region.AP_SOUTHEAST_3)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("id", "secret")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(capture)).build()) {
            SesEmailSender sender = new SesEmailSender(ses, "Gelombang <no-reply@gelombang.id>", Optional.of("gelombang-email"));
            assertThatThrownBy(() -> sender.send(new OutgoingEmail("siti@example.com", "Kode", "123456")))
                    .isInstanceOf(EmailSender.SendFailed.class);
        }
        assertThat(sent.get().configurationSetName()).isEqualTo("gelombang-email");
        assertThat(sent.get().destination().toAddresses()).containsExactly("siti@example.com");
        assertThat(sent.get().source()).isEqualTo("Gelombang <no-reply@gelombang.id>");
    }

    private static SesException serviceError(int status, String code) {
        return (SesException) SesException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(ADDRESS_IN_MESSAGE).build())
                .message(ADDRESS_IN_MESSAGE).build();
    }
}
