package id.gelombang.verification.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import id.gelombang.testing.Api;
import id.gelombang.testing.Api.Registered;
import id.gelombang.testing.Database;
import id.gelombang.testing.DukcapilStub;
import id.gelombang.testing.Jobs;
import id.gelombang.testing.LocalBackendsResource;
import id.gelombang.verification.domain.JobKind;
import id.gelombang.verification.service.JobWorker;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Dukcapil credential rotated in Secrets Manager reaches the NIK worker with no deploy: read
 * through the AWS Parameters and Secrets Lambda Extension (played by the stub) at first use, kept,
 * and read again when the registry refuses it with 401, the check then repeated once and no failure
 * counted.
 */
@QuarkusTest
@WithTestResource(LocalBackendsResource.class)
@WithTestResource(value = DukcapilStub.class, initArgs = @ResourceArg(name = DukcapilStub.CREDENTIAL_ARG, value = "secret"))
class DukcapilCredentialRotationTest {

    private static final String SECRET_PATH = "/secretsmanager/get";

    @Inject
    Database db;

    @Inject
    JobWorker worker;

    private final WireMockServer stub = DukcapilStub.server();

    @Test
    void aRotatedCredentialIsReadAgainAfterA401AndTheCheckSucceedsWithoutACountedFailure() {
        Jobs.parkAllOpen(db);
        stub.resetAll();
        secretIs("credential-before-rotation");
        registryAccepts("credential-before-rotation");

        Registered first = Api.registerNew();
        worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(30), true);
        Api.get(first).then().body("nikVerification.status", equalTo("VERIFIED"));

        // Rotation: the secret has a new value and the registry takes only that one.
        stub.resetAll();
        secretIs("credential-after-rotation");
        registryAccepts("credential-after-rotation");

        Registered second = Api.registerNew();
        worker.drain(JobKind.NIK_CHECK, Duration.ofSeconds(30), true);

        Api.get(second).then().body("nikVerification.status", equalTo("VERIFIED"));
        assertThat(Jobs.of(db, second.id(), "NIK_CHECK").getInteger("attempts")).as("no counted failure").isEqualTo(1);
        stub.verify(1, postRequestedFor(urlEqualTo(DukcapilStub.PATH))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer credential-before-rotation")));
        stub.verify(1, postRequestedFor(urlEqualTo(DukcapilStub.PATH))
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer credential-after-rotation")));
        stub.verify(1, getRequestedFor(urlPathEqualTo(SECRET_PATH))
                .withQueryParam("secretId", com.github.tomakehurst.wiremock.client.WireMock.equalTo(DukcapilStub.SECRET_ID)));
    }

    private void secretIs(String value) {
        stub.stubFor(get(urlPathEqualTo(SECRET_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"Name\":\"dukcapil-credential\",\"SecretString\":\"" + value + "\"}")));
    }

    private void registryAccepts(String credential) {
        stub.stubFor(post(urlEqualTo(DukcapilStub.PATH)).atPriority(10).willReturn(aResponse().withStatus(401)));
        stub.stubFor(post(urlEqualTo(DukcapilStub.PATH)).atPriority(1)
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + credential))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"result\":\"MATCH\"}")));
    }
}
