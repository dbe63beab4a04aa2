package io.tlsscope.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsscope.api.Problem;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Bearer-token access control for everything under /api/v1, the JAX-RS resources and the SSE
 * route alike: it runs as the first handler of those paths on the Vert.x router, before either.
 * Reads (GET, HEAD) need the viewer role, everything else admin. Without a known token: 401, with
 * too small a role: 403, both as problem+json. Every admin change leaves one audit line (category
 * io.tlsscope.audit) with the token's id, the request and its outcome. /q (health, metrics,
 * OpenAPI, Swagger UI) stays open.
 */
@ApplicationScoped
public class ApiAccessFilter {
    private static final Logger AUDIT = Logger.getLogger("io.tlsscope.audit");
    private static final String PROTECTED = "/api/v1/*";
    /** Before every other handler of the path (Quarkus REST and our routes use the default order 0 and up). */
    private static final int FIRST = -1000;
    private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD);
    private static final String BEARER = "Bearer ";

    private final TokenStore tokens;
    private final ObjectMapper json;

    public ApiAccessFilter(TokenStore tokens, ObjectMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    void register(@Observes Router router) {
        router.route(PROTECTED).order(FIRST).handler(this::check);
    }

    private void check(RoutingContext context) {
        String header = context.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refuse(context, 401, "Unauthorized", "send the header 'Authorization: Bearer <token>'");
            return;
        }
        var grant = tokens.find(header.substring(BEARER.length()).strip());
        if (grant.isEmpty()) {
            refuse(context, 401, "Unauthorized", "the bearer token is not known");
            return;
        }
        Role needed = READS.contains(context.request().method()) ? Role.VIEWER : Role.ADMIN;
        if (!grant.get().role().covers(needed)) {
            refuse(context, 403, "Forbidden", "this needs the " + needed.configName() + " role; the token has "
                    + grant.get().role().configName());
            return;
        }
        if (needed == Role.ADMIN) {
            String request = context.request().method() + " " + context.request().path();
            context.addEndHandler(done -> AUDIT.infof("admin change by token %s: %s -> %d", grant.get().id(), request,
                    context.response().getStatusCode()));
        }
        context.next();
    }

    private void refuse(RoutingContext context, int status, String title, String detail) {
        if (status == 401) {
            context.response().putHeader("WWW-Authenticate", "Bearer realm=\"tlsscope\"");
        }
        Problem.of(status, title, detail, status == 401 ? "Authorization" : null).send(context.response(), json);
    }
}
