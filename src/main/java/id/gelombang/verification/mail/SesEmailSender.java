package id.gelombang.verification.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Sends through Amazon SES's SendEmail action (Query API, 2010-12-01), signed with the SDK's
 * SigV4 signer and sent on the SDK's URL-connection client. The generated SES client would do the
 * same for one operation at the cost of 1.5 MiB in function.zip, which must stay under Lambda's
 * 50 MiB upload limit.
 *
 * Over its sending rate SES answers "Throttling" and drops the message: that is reported as
 * {@link EmailSender.SendThrottled}, so the job waits and is retried, never counted as a failed
 * delivery. SES's error messages are not passed on: they can quote the address.
 */
public class SesEmailSender implements EmailSender {

    private static final Pattern ERROR_CODE = Pattern.compile("<Code>([^<]+)</Code>");

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final URI endpoint;
    private final String region;
    private final String from;

    public SesEmailSender(SdkHttpClient http, AwsCredentialsProvider credentials, URI endpoint, String region, String from) {
        this.http = http;
        this.credentials = credentials;
        this.endpoint = endpoint;
        this.region = region;
        this.from = from;
    }

    @Override
    public void send(OutgoingEmail email) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", "SendEmail");
        form.put("Version", "2010-12-01");
        form.put("Source", from);
        form.put("Destination.ToAddresses.member.1", email.to());
        form.put("Message.Subject.Data", email.subject());
        form.put("Message.Subject.Charset", "UTF-8");
        form.put("Message.Body.Text.Data", email.body());
        form.put("Message.Body.Text.Charset", "UTF-8");
        byte[] body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);

        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .build();
        int status;
        String answer;
        try {
            SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                    .identity(credentials.resolveCredentials())
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ses")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                    .request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null))
                    .build()).call();
            status = response.httpResponse().statusCode();
            answer = read(response);
        } catch (IOException | UncheckedIOException | SdkClientException e) {
            throw new SendFailed("ses-unreachable");
        }
        if (status == 200) {
            return;
        }
        throw failure(status, answer);
    }

    static RuntimeException failure(int status, String answer) {
        Matcher code = ERROR_CODE.matcher(answer);
        String errorCode = code.find() ? code.group(1) : "";
        return switch (errorCode) {
            case "Throttling", "ThrottlingException" -> new SendThrottled("ses-throttled");
            case "MessageRejected" -> new SendRefused("ses-message-rejected");
            default -> status == 429 ? new SendThrottled("ses-throttled") : new SendFailed("ses-" + status);
        };
    }

    private static String read(HttpExecuteResponse response) throws IOException {
        if (response.responseBody().isEmpty()) {
            return "";
        }
        try (InputStream in = response.responseBody().get()) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        }
    }
}
