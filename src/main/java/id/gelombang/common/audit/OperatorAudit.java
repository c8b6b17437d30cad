package id.gelombang.common.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import id.gelombang.common.database.SqlValues;

/**
 * The operators' audit trail (table operator_audit, append-only by trigger): who did what to which
 * wave, and when. Entries are written in the transaction of the action they record, so an action
 * and its entry commit or vanish together. Details name fields and their new values; never
 * personal data, never a draw seed.
 */
@ApplicationScoped
public class OperatorAudit {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MIN_LIMIT = 1;
    public static final int MAX_LIMIT = 1000;

    private final ObjectMapper json;

    public OperatorAudit(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Appends one entry. Needs the action's transaction. The details travel as text: a parameter
     * typed jsonb would store the JSON document as one JSON string.
     */
    public Uni<Void> record(String actor, OperatorAction action, String waveCode, Map<String, ?> details, Instant at) {
        String detailsJson = toJson(details);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                INSERT INTO operator_audit (at, actor, action, wave_code, details)
                VALUES (:at, :actor, :action, :waveCode, CAST(CAST(:details AS text) AS jsonb))""")
                .setParameter("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
                .setParameter("actor", actor)
                .setParameter("action", action.name())
                .setParameter("waveCode", waveCode)
                .setParameter("details", detailsJson)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** Newest first, at most {@code limit}, optionally of one wave. Needs a session. */
    public Uni<List<AuditEntry>> newest(int limit, String waveCode) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                SELECT id, at, actor, action, wave_code, CAST(details AS text) FROM operator_audit
                WHERE CAST(:waveCode AS text) IS NULL OR wave_code = CAST(:waveCode AS text)
                ORDER BY id DESC LIMIT :limit""", Object[].class)
                .setParameter("waveCode", waveCode)
                .setParameter("limit", limit)
                .getResultList())
                .map(rows -> rows.stream().map(this::entry).toList());
    }

    private AuditEntry entry(Object[] row) {
        try {
            return new AuditEntry(((Number) row[0]).longValue(), SqlValues.instant(row[1]), (String) row[2], (String) row[3],
                    (String) row[4], json.readTree((String) row[5]));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("operator_audit.details is not JSON");
        }
    }

    private String toJson(Map<String, ?> details) {
        try {
            return json.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Audit details are not serialisable");
        }
    }
}
