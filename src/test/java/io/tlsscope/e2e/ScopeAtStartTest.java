package io.tlsscope.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A configured scope that names a user this host does not have: tracing does not start (a scope
 * widened to every process could trace what the operator excluded), health says which entry and
 * why, the API answers and shows the scope as configured.
 */
@QuarkusTest
@TestProfile(ScopeAtStartTest.UnknownUser.class)
class ScopeAtStartTest {

    public static class UnknownUser implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tlsscope.scope.users", "postgres,no-such-user-here");
        }
    }

    @Test
    void tracingIsDownNamingTheEntryAndTheApiShowsTheScope() {
        given().get("/q/health/ready").then()
                .statusCode(503)
                .body("checks.find { it.name == 'tracer' }.data.state", equalTo("DOWN"))
                .body("checks.find { it.name == 'tracer' }.data.reason",
                        equalTo("tlsscope.scope.users: user 'no-such-user-here' is neither a uid nor a name in /etc/passwd"));
        given().get("/api/v1/scope").then().statusCode(200)
                .body("limited", equalTo(true)).body("users", equalTo(List.of("postgres", "no-such-user-here")));
    }
}
