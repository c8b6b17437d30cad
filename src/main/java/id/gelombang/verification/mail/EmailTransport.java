package id.gelombang.verification.mail;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import id.gelombang.verification.VerificationConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.SesClientBuilder;

/**
 * Chooses the mail transport from configuration. SES uses the region and role Lambda provides,
 * unless an endpoint with static credentials is configured (LocalStack). The SES client is built
 * only when the transport is SES (the email worker), so no other function pays for it at start.
 */
public class EmailTransport {

    @Produces
    @ApplicationScoped
    EmailSender sender(VerificationConfig config, LocalMailbox mailbox) {
        VerificationConfig.Email email = config.email();
        return switch (email.transport()) {
            case SES -> ses(email);
            case LOCAL -> mailbox::deliver;
        };
    }

    private static SesEmailSender ses(VerificationConfig.Email email) {
        SesClientBuilder builder = SesClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(email.sesRegion().map(Region::of).orElseGet(() -> new DefaultAwsRegionProviderChain().getRegion()))
                .credentialsProvider(credentials(email));
        email.sesEndpoint().ifPresent(builder::endpointOverride);
        return new SesEmailSender(builder.build(), email.from(), email.configurationSet());
    }

    private static AwsCredentialsProvider credentials(VerificationConfig.Email email) {
        return email.sesAccessKeyId().isPresent() && email.sesSecretAccessKey().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(email.sesAccessKeyId().get(), email.sesSecretAccessKey().get()))
                : DefaultCredentialsProvider.builder().build();
    }
}
