package id.gelombang.wave.admin;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import id.gelombang.common.audit.AuditEntry;
import id.gelombang.common.audit.OperatorAudit;
import id.gelombang.common.problem.FieldErrors;
import id.gelombang.common.problem.ProblemException;
import id.gelombang.common.problem.ProblemType;
import id.gelombang.common.security.OperatorAccessFilter;
import id.gelombang.wave.WaveRules;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** The operators' audit trail, read through the operator API (see {@link OperatorAccessFilter}). */
@Path("/v1/admin/audit")
@Produces(MediaType.APPLICATION_JSON)
public class OperatorAuditResource {

    private final OperatorAudit audit;

    public OperatorAuditResource(OperatorAudit audit) {
        this.audit = audit;
    }

    @GET
    @WithSession
    @Operation(summary = "Operator actions, newest first",
            description = "Who (IAM principal, or operator-key), what (CREATE_WAVE, CHANGE_WAVE, CLOSE_WAVE, DRAW, "
                    + "RETENTION_RUN, RECOVER_ACCESS), on which "
                    + "wave, when, and the fields it set. Never personal data.")
    public Uni<List<AuditEntry>> list(
            @Parameter(description = "How many entries") @QueryParam("limit") String limit,
            @Parameter(description = "Only this wave's entries") @QueryParam("waveCode") String waveCode) {
        FieldErrors errors = new FieldErrors();
        int parsedLimit = parseLimit(limit, errors);
        if (waveCode != null && !WaveRules.isCode(waveCode)) {
            errors.add("waveCode", "must be a wave code");
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(ProblemType.VALIDATION.problem("The query has invalid parameters.", errors.list()));
        }
        return audit.newest(parsedLimit, waveCode);
    }

    private static int parseLimit(String limit, FieldErrors errors) {
        if (limit == null) {
            return OperatorAudit.DEFAULT_LIMIT;
        }
        try {
            int parsed = Integer.parseInt(limit.strip());
            if (parsed >= OperatorAudit.MIN_LIMIT && parsed <= OperatorAudit.MAX_LIMIT) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add("limit", "must be a whole number from " + OperatorAudit.MIN_LIMIT + " to " + OperatorAudit.MAX_LIMIT);
        return 0;
    }
}
