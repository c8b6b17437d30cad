package id.gelombang.common;

import static id.gelombang.testing.Operator.operator;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import id.gelombang.testing.Database;
import id.gelombang.testing.LocalBackendsResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * An answer longer than RESTEasy Reactive's default 8 KiB output buffer (the operators' list of
 * waves once there are a few dozen) arrives whole, with its Content-Length, through the Lambda event
 * path. Chunked, it never completed (quarkusio/quarkus#44551).
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
class LargeAnswersTest {

    @Inject
    Database db;

    @Test
    void aListLongerThanEightKibibytesArrivesWhole() {
        for (int i = 0; i < 40; i++) {
            db.createWave(Instant.parse("2021-01-01T00:00:00Z"), Instant.parse("2022-01-01T00:00:00Z"), 10);
        }
        ExtractableResponse<Response> list = operator().get("/v1/admin/waves").then().statusCode(200).extract();
        assertThat(list.asByteArray().length).isGreaterThan(8 * 1024);
        assertThat(list.header("Content-Length")).isEqualTo(Integer.toString(list.asByteArray().length));
        assertThat(list.header("Transfer-Encoding")).isNull();
    }
}
