package id.gelombang.common.audit;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One operator action: who (the IAM principal, or "operator-key"), what, on which wave, when. */
@RegisterForReflection
public record AuditEntry(long id, Instant at, String actor, String action, String waveCode, JsonNode details) {
}
