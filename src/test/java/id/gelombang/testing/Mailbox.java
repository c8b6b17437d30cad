package id.gelombang.testing;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import id.gelombang.verification.mail.LocalMailbox;
import io.quarkus.arc.Arc;

/**
 * The registrant's inbox: LocalStack's SES (its /_aws/ses record of sent mail) when the suite runs
 * against LocalStack, the application's in-memory mailbox otherwise.
 */
public final class Mailbox {

    public record Mail(String to, String subject, String body, Instant at) {
    }

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

    private Mailbox() {
    }

    public static List<Mail> to(String address) {
        String endpoint = System.getProperty(LocalBackendsResource.S3_ENDPOINT_PROPERTY, "");
        List<Mail> mails = endpoint.isBlank() ? local(address) : localStack(endpoint, address);
        return mails.stream().sorted(Comparator.comparing(Mail::at)).toList();
    }

    /** How the subject of an access-code mail begins. */
    public static final String ACCESS_CODE_SUBJECT = "Kode masuk Gelombang";

    /** The code in the latest mail to this address. */
    public static String latestCode(String address) {
        return latestCode(address, "");
    }

    /** The code in the latest access-code mail to this address. */
    public static String latestAccessCode(String address) {
        return latestCode(address, ACCESS_CODE_SUBJECT);
    }

    /** Mails to this address whose subject begins with {@code subjectPrefix}, oldest first. */
    public static List<Mail> to(String address, String subjectPrefix) {
        return to(address).stream().filter(mail -> mail.subject().startsWith(subjectPrefix)).toList();
    }

    private static String latestCode(String address, String subjectPrefix) {
        List<Mail> mails = to(address, subjectPrefix);
        if (mails.isEmpty()) {
            throw new AssertionError("No such mail was sent to the registrant");
        }
        Matcher m = CODE.matcher(mails.get(mails.size() - 1).subject());
        if (!m.find()) {
            throw new AssertionError("The mail carries no 6-digit code");
        }
        return m.group(1);
    }

    private static List<Mail> local(String address) {
        LocalMailbox mailbox = Arc.container().instance(LocalMailbox.class).get();
        return mailbox.to(address).stream()
                .map(d -> new Mail(d.email().to(), d.email().subject(), d.email().body(), d.at()))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Mail> localStack(String endpoint, String address) {
        URI uri = URI.create(endpoint);
        List<Map<String, Object>> messages = given().baseUri(uri.getScheme() + "://" + uri.getHost()).port(uri.getPort())
                .get("/_aws/ses").then().statusCode(200).extract().path("messages");
        List<Mail> mails = new ArrayList<>();
        for (Map<String, Object> message : messages) {
            List<String> to = (List<String>) ((Map<String, Object>) message.get("Destination")).get("ToAddresses");
            if (to.stream().anyMatch(address::equalsIgnoreCase)) {
                Map<String, Object> body = (Map<String, Object>) message.get("Body");
                mails.add(new Mail(address, (String) message.get("Subject"), (String) body.get("text_part"),
                        LocalDateTime.parse((String) message.get("Timestamp")).toInstant(ZoneOffset.UTC)));
            }
        }
        return mails;
    }
}
