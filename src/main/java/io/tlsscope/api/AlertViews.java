package io.tlsscope.api;

import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.alerts.ProcessInfo;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/** Turns alerts into their JSON form (the statement inside as on the query stream). */
@ApplicationScoped
public class AlertViews {
    private final EventViews views;

    public AlertViews(EventViews views) {
        this.views = views;
    }

    public AlertView of(AlertEvent alert) {
        return new AlertView("alert", alert.id(), alert.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), alert.rule(),
                alert.severity().jsonName(), alert.tags(), alert.description(), alert.host(), alert.key(), alert.count(),
                alert.first().toString(), alert.last().toString(), alert.state(), alert.counter(), process(alert.client()),
                process(alert.server()), alert.query() == null ? null : views.of(alert.query()));
    }

    private static AlertView.ProcessRef process(ProcessInfo process) {
        return process == null ? null : new AlertView.ProcessRef(process.pid(), process.comm(), process.exe());
    }
}
