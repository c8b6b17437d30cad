package id.gelombang.verification.service;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import id.gelombang.common.lambda.SqsMessage;
import id.gelombang.common.lambda.SqsMessageHandler;
import id.gelombang.registration.domain.EmailUndeliverable;
import id.gelombang.verification.persistence.EmailDeliverability;
import id.gelombang.common.funnel.FunnelStage;
import id.gelombang.common.funnel.FunnelCounters;
import io.quarkus.arc.Unremovable;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * SES's bounce and complaint events for mail sent with the configuration set (SES -> SNS topic ->
 * the feedback queue -> this handler, {@link EmailFeedbackFunction}). A permanent bounce or a
 * complaint marks every registration whose last mailed address it is as undeliverable: the
 * registrant sees it in their status and can correct the address, and no more mail goes there
 * (SES pauses an account whose bounce or complaint rate stays high). Transient bounces (a full
 * mailbox) are SES's to retry. The address is only digested, never stored or logged.
 */
// Looked up by the Lambda handler (SqsBatchFunction), not injected: Arc must keep it.
@Unremovable
@ApplicationScoped
public class EmailFeedback implements SqsMessageHandler {

    private static final Logger LOG = Logger.getLogger(EmailFeedback.class);

    /** What one event led to: its type, how many addresses it named, how many registrations it marked. */
    public record Outcome(String eventType, int addresses, int marked) {
    }

    private final EmailDeliverability deliverability;
    private final FunnelCounters funnel;
    private final ObjectMapper json;
    private final Clock clock;

    public EmailFeedback(EmailDeliverability deliverability, FunnelCounters funnel, ObjectMapper json, Clock clock) {
        this.deliverability = deliverability;
        this.funnel = funnel;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void handle(SqsMessage message) {
        settle(message.body());
    }

    public Outcome settle(String body) {
        JsonNode event = object(body);
        // Without raw message delivery SNS wraps the event in its own envelope.
        if (event != null && "Notification".equals(event.path("Type").asText()) && event.path("Message").isTextual()) {
            event = object(event.path("Message").asText());
        }
        if (event == null) {
            // SES's "Successfully validated SNS topic" message when the destination is created, say.
            LOG.info("Email feedback message that is no SES event; ignored");
            return new Outcome("NONE", 0, 0);
        }
        String type = event.path("eventType").asText(event.path("notificationType").asText(""));
        List<String> addresses = new ArrayList<>();
        EmailUndeliverable reason;
        if ("Bounce".equals(type) && "Permanent".equals(event.at("/bounce/bounceType").asText())) {
            event.at("/bounce/bouncedRecipients").forEach(r -> addresses.add(address(r.path("emailAddress").asText())));
            reason = EmailUndeliverable.BOUNCED;
        } else if ("Complaint".equals(type)) {
            event.at("/complaint/complainedRecipients").forEach(r -> addresses.add(address(r.path("emailAddress").asText())));
            reason = EmailUndeliverable.COMPLAINED;
        } else {
            return new Outcome(type, 0, 0);
        }
        int marked = 0;
        for (String address : addresses) {
            if (!address.isEmpty()) {
                marked += Blocking.await(() -> Panache.withTransaction(() -> deliverability
                        .markUndeliverable(address, reason, clock.instant())
                        .chain(registrations -> {
                            // One after the other: a session runs one statement at a time.
                            Uni<Void> counted = Uni.createFrom().voidItem();
                            for (EmailDeliverability.Marked r : registrations) {
                                counted = counted.chain(() -> funnel.move(r.registrationId(), r.waveId(), null, FunnelStage.EMAIL_UNDELIVERABLE));
                            }
                            return counted.replaceWith(registrations.size());
                        })));
            }
        }
        LOG.infof("SES %s for %d address(es): %d registration(s) marked undeliverable", type, addresses.size(), marked);
        return new Outcome(type, addresses.size(), marked);
    }

    private JsonNode object(String text) {
        try {
            JsonNode node = json.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The bare address of "Name <address>", or the address as it is. */
    private static String address(String recipient) {
        int open = recipient.lastIndexOf('<');
        int close = recipient.lastIndexOf('>');
        return open >= 0 && close > open ? recipient.substring(open + 1, close).strip() : recipient.strip();
    }
}
