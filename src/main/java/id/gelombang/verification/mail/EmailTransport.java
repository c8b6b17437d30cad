package id.gelombang.verification.mail;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import id.gelombang.verification.service.VerificationConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Chooses the mail transport from configuration. SES uses the region and role Lambda provides,
 * unless an endpoint with static credentials is configured (LocalStack).
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
        String region = email.sesRegion().orElseGet(() -> new DefaultAwsRegionProviderChain().getRegion().id());
        URI endpoint = email.sesEndpoint().orElse(URI.create("https://email." + region + ".amazonaws.com/"));
        AwsCredentialsProvider credentials = email.sesAccessKeyId().isPresent() && email.sesSecretAccessKey().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(email.sesAccessKeyId().get(), email.sesSecretAccessKey().get()))
                : DefaultCredentialsProvider.builder().build();
        return new SesEmailSender(UrlConnectionHttpClient.create(), credentials, endpoint, region, email.from());
    }
}
