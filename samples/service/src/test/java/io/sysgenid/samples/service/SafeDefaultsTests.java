package io.sysgenid.samples.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/** Without the demo profile the sample is safe to copy: no sysgenid endpoint, no details; readiness is there. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sysgenid.source=simulated")
class SafeDefaultsTests {
    private final HttpClient http = HttpClient.newHttpClient();

    @Value("${local.server.port}")
    int port;

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theEndpointIsNotExposedAndHealthShowsNoDetailsButReadinessIncludesSysgenid() throws Exception {
        assertThat(send("GET", "/actuator/sysgenid").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/actuator/sysgenid").statusCode()).isEqualTo(404);
        HttpResponse<String> health = send("GET", "/actuator/health");
        assertThat(health.body()).isEqualTo("{\"groups\":[\"liveness\",\"readiness\"],\"status\":\"UP\"}");
        assertThat(send("GET", "/actuator/health/readiness").body()).contains("\"status\":\"UP\"");
        assertThat(send("GET", "/actuator/health/sysgenid").statusCode()).as("components not shown").isEqualTo(404);
        assertThat(send("GET", "/actuator/prometheus").body()).contains("sysgenid_watching 1.0");
    }
}
