package id.gelombang.verification.mail;

/** Hands one email to the mail service. */
public interface EmailSender {

    /**
     * @throws SendRefused when the service will never deliver it (address refused)
     * @throws SendThrottled when the service asks us to slow down: try later
     * @throws SendFailed for any other failure of the service: retry with backoff
     */
    void send(OutgoingEmail email);

    final class SendRefused extends RuntimeException {
        public SendRefused(String code) {
            super(code, null, false, false);
        }
    }

    final class SendThrottled extends RuntimeException {
        public SendThrottled(String code) {
            super(code, null, false, false);
        }
    }

    final class SendFailed extends RuntimeException {
        public SendFailed(String code) {
            super(code, null, false, false);
        }
    }
}
