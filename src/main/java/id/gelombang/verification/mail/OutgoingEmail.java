package id.gelombang.verification.mail;

/** One plain-text email. Holds personal data: never log it. */
public record OutgoingEmail(String to, String subject, String body) {

    @Override
    public String toString() {
        return "OutgoingEmail[redacted]";
    }
}
