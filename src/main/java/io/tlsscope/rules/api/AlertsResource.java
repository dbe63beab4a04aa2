package io.tlsscope.rules.api;

import io.tlsscope.alerts.RecentAlerts;
import io.tlsscope.api.AlertView;
import io.tlsscope.api.EventViews;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The latest alerts, newest first. */
@Path("/api/v1/alerts")
@Tag(name = "rules")
@Produces(MediaType.APPLICATION_JSON)
public class AlertsResource {
    private final RecentAlerts recent;
    private final EventViews views;

    public AlertsResource(RecentAlerts recent, EventViews views) {
        this.recent = recent;
        this.views = views;
    }

    @GET
    @Operation(summary = "Recent alerts, newest first",
            description = "Rule alerts and blind-spot alerts (raised and cleared), at most tlsscope.alerts.recent kept. A rule "
                    + "alert's count and last are brought up to date while its suppression window lasts. The live stream: "
                    + "GET /api/v1/events?type=alert.")
    public List<AlertView> alerts(@QueryParam("limit") @DefaultValue("100")
                                  @Pattern(regexp = "[1-9][0-9]{0,3}|10000", message = "limit must be a whole number from 1 to 10000")
                                  @Parameter(description = "at most this many (1 to 10000)") String limit) {
        // a String checked here: a query parameter JAX-RS cannot convert would be answered 404, not a 400 naming it
        return recent.latest(Integer.parseInt(limit)).stream().map(views::of).toList();
    }
}
