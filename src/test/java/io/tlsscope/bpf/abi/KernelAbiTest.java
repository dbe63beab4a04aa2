package io.tlsscope.bpf.abi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Java mirror must agree with src/main/bpf/tlsscope.h, read from the header itself. */
class KernelAbiTest {
    private static final Path HEADER = Path.of("src/main/bpf/tlsscope.h");

    @Test
    void structSizesMatchTheHeaderStaticAsserts() throws IOException {
        Map<String, StructLayout> mirrors = Map.ofEntries(
                Map.entry("tlsscope_tuple", KernelAbi.TUPLE),
                Map.entry("tlsscope_tls_data_event", KernelAbi.TLS_DATA_EVENT),
                Map.entry("tlsscope_process_event", KernelAbi.PROCESS_EVENT),
                Map.entry("tlsscope_conn_key", KernelAbi.CONN_KEY),
                Map.entry("tlsscope_conn", KernelAbi.CONN),
                Map.entry("tlsscope_layout", KernelAbi.LAYOUT),
                Map.entry("tlsscope_layout_choice", KernelAbi.LAYOUT_CHOICE),
                Map.entry("tlsscope_set_fds", KernelAbi.SET_FDS),
                Map.entry("tlsscope_go_layout", KernelAbi.GO_LAYOUT),
                Map.entry("tlsscope_config", KernelAbi.CONFIG));
        Matcher asserts = Pattern.compile("_Static_assert\\(sizeof\\(struct (\\w+)\\) == (\\d+)")
                .matcher(Files.readString(HEADER));
        Map<String, Long> declared = new LinkedHashMap<>();
        while (asserts.find()) {
            declared.put(asserts.group(1), Long.parseLong(asserts.group(2)));
        }
        assertThat(declared.keySet()).containsExactlyInAnyOrderElementsOf(mirrors.keySet());
        declared.forEach((struct, size) ->
                assertThat(mirrors.get(struct).byteSize()).as("sizeof(struct %s)", struct).isEqualTo(size));
    }

    @Test
    void counterIndexesMatchTheHeaderEnum() throws IOException {
        Map<String, Integer> slots = enumValues("tlsscope_counter", "TLSSCOPE_CTR_");
        assertThat(slots.remove("COUNT")).isEqualTo(KernelCounter.values().length);
        assertThat(slots).hasSize(KernelCounter.values().length);
        for (KernelCounter counter : KernelCounter.values()) {
            assertThat(slots.get(counter.name())).as(counter.name()).isEqualTo(counter.index());
        }
    }

    @Test
    void fdMethodsAndFunctionsMatchTheHeaderEnums() throws IOException {
        enumValues("tlsscope_fd_method", "TLSSCOPE_FD_").forEach((name, value) ->
                assertThat(FdMethod.fromValue(value).name()).isEqualTo(name));
        enumValues("tlsscope_function", "TLSSCOPE_FUNCTION_").forEach((name, value) ->
                assertThat(SslFunction.fromValue(value).name()).isEqualTo(name));
        enumValues("tlsscope_event_type", "TLSSCOPE_EVENT_").forEach((name, value) ->
                assertThat(EventType.fromValue(value).name()).isEqualTo(name));
    }

    @Test
    void constantsMatchTheHeaderDefines() throws IOException {
        Map<String, Integer> defines = new LinkedHashMap<>();
        Matcher define = Pattern.compile("#define TLSSCOPE_(\\w+) \\(?(\\d+)").matcher(Files.readString(HEADER));
        while (define.find()) {
            defines.put(define.group(1), Integer.parseInt(define.group(2)));
        }
        assertThat(defines).containsEntry("COMM_LEN", KernelAbi.COMM_LEN)
                .containsEntry("CHUNK_DATA_MAX", KernelAbi.CHUNK_DATA_MAX)
                .containsEntry("MAX_CHUNKS_PER_CALL", KernelAbi.MAX_CHUNKS_PER_CALL)
                .containsEntry("MAX_LAYOUTS", KernelAbi.MAX_LAYOUTS)
                .containsEntry("LAYOUT_NONE", KernelAbi.LAYOUT_NONE);
        assertThat(enumValues("tlsscope_layout_choice_flags", "TLSSCOPE_LAYOUT_")).containsEntry("FORCED", KernelAbi.LAYOUT_FORCED);
    }

    private static Map<String, Integer> enumValues(String enumName, String prefix) throws IOException {
        String header = Files.readString(HEADER);
        int start = header.indexOf("enum " + enumName + " {");
        String body = header.substring(start, header.indexOf("};", start));
        Matcher entries = Pattern.compile(prefix + "(\\w+)\\s*=\\s*(\\d+)").matcher(body);
        Map<String, Integer> values = new LinkedHashMap<>();
        while (entries.find()) {
            values.put(entries.group(1), Integer.parseInt(entries.group(2)));
        }
        assertThat(values).as("enum %s entries", enumName).isNotEmpty();
        return values;
    }
}
