package io.tlsscope.testsupport;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * The API tokens of the test profile (application.properties holds only their hashes). Registered
 * as a Quarkus test callback (META-INF/services), so it runs in the Quarkus test class loader, where
 * the tests' RestAssured lives: every RestAssured request without an Authorization header of its
 * own sends the admin token.
 */
public final class TestTokens implements QuarkusTestBeforeEachCallback {
    public static final String ADMIN = "test-admin-token";
    public static final String VIEWER = "test-viewer-token";

    private static final Filter ADMIN_UNLESS_SET = (request, response, next) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", "Bearer " + ADMIN);
        }
        return next.next(request, response);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.replaceFiltersWith(ADMIN_UNLESS_SET);
    }
}
