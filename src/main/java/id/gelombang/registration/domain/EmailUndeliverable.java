package id.gelombang.registration.domain;

/**
 * Why mail no longer goes to a registration's address, as the mail service reported it; the
 * database's registration.email_undeliverable holds these names (null while mail can go there).
 */
public enum EmailUndeliverable {
    /** A permanent bounce. */
    BOUNCED,
    /** The recipient marked a mail as spam. */
    COMPLAINED
}
