package io.tlsscope.api;

import io.tlsscope.alerts.AlertEvent;
import io.tlsscope.alerts.ProcessInfo;
import io.tlsscope.protocol.QueryEvent;
import java.util.Locale;
import java.util.function.Function;

/** The JSON form of an alert, with the statement inside as the query stream shows it. */
final class AlertViews {
    private AlertViews() {
    }

    static AlertView of(AlertEvent alert, Function<QueryEvent, QueryView> queries) {
        return new AlertView("alert", alert.id(), alert.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'), alert.rule(),
                alert.severity().jsonName(), alert.tags(), alert.description(), alert.host(), alert.key(), alert.count(),
                IsoInstant.format(alert.first()), IsoInstant.format(alert.last()), alert.state(), alert.counter(), process(alert.client()),
                process(alert.server()), alert.query() == null ? null : queries.apply(alert.query()));
    }

    private static AlertView.ProcessRef process(ProcessInfo process) {
        return process == null ? null : new AlertView.ProcessRef(process.pid(), process.comm(), process.exe());
    }
}
