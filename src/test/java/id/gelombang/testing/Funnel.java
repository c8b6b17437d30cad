package id.gelombang.testing;

import static id.gelombang.testing.Operator.operator;

/** The operator's funnel of a wave, one stage at a time. */
public final class Funnel {

    private Funnel() {
    }

    /** The count at a stage, as GET /v1/admin/waves/{code}/funnel reports it (e.g. "emailVerified"). */
    public static long count(String waveCode, String stage) {
        Number n = operator().get("/v1/admin/waves/" + waveCode + "/funnel").then().statusCode(200)
                .extract().path("counts." + stage);
        return n.longValue();
    }
}
