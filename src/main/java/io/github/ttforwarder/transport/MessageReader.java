package io.github.ttforwarder.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import io.github.ttforwarder.ingest.InboundBodyReader;
import io.github.ttforwarder.ingest.MalformedRequestException;
import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.InboundEvent;
import io.github.ttforwarder.model.RequestContext;

/**
 * Reads one bus message (a queue message, a file) into events, streaming, in the endpoint's format; every event is
 * handed to a sink as soon as it is read. Each JSON value (the whole body, an NDJSON line, a CSV record turned into
 * a plain event) goes through {@link InboundBodyReader}, so a message holds exactly what {@code POST /events}
 * accepts. Nothing here quotes the message's content: problems name a place (line, record, element) and a reason.
 *
 * <p>The caller reads a message twice: first with a sink that drops the events, to learn whether every part of it
 * can be read ({@link Result#problems()} empty), then again to send the events. A message is forwarded whole or
 * not at all.
 */
final class MessageReader {

    /** Problems kept per message (the total is counted). */
    static final int MAX_PROBLEMS = 20;

    /** A part of the message that cannot be read: where ({@code line 3}, {@code record 7 (line 9)}, …) and why. */
    record Problem(String where, String why) {
        @Override
        public String toString() {
            return where + ": " + why;
        }
    }

    /** The content of a message, readable more than once. */
    interface Source {
        /** @return a new stream over the whole content */
        InputStream open() throws IOException;
    }

    /** What reading a message gave. */
    static final class Result {
        private int events;
        private int problemCount;
        private final List<Problem> problems = new ArrayList<>();
        private final List<String> ignoredColumns = new ArrayList<>();

        void problem(String where, String why) {
            problemCount++;
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(new Problem(where, why));
            }
        }

        /** @return events read */
        int events() {
            return events;
        }

        /** @return the first {@value #MAX_PROBLEMS} problems */
        List<Problem> problems() {
            return problems;
        }

        /** @return all problems counted */
        int problemCount() {
            return problemCount;
        }

        /** @return CSV header columns that fill no event field */
        List<String> ignoredColumns() {
            return ignoredColumns;
        }
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final InboundBodyReader bodyReader;
    private final ObjectMapper mapper;
    private final CsvMapper csvMapper = new CsvMapper();

    /**
     * @param bodyReader the HTTP ingest's body reader
     * @param mapper     the application's mapper (serialises CSV records for the body reader)
     */
    MessageReader(InboundBodyReader bodyReader, ObjectMapper mapper) {
        this.bodyReader = bodyReader;
        this.mapper = mapper;
    }

    /**
     * Reads a message.
     *
     * @param endpoint the endpoint it came from (format, charset, CSV mapping)
     * @param source   its content
     * @param context  the context every event gets
     * @param sink     receives each event in order (index = position in the message, 0-based)
     * @return counts and problems
     * @throws IOException when the content cannot be opened or read at all
     */
    Result read(IngestEndpoint endpoint, Source source, RequestContext context, Consumer<InboundEvent> sink)
            throws IOException {
        Result result = new Result();
        try (InputStream in = skipBom(source.open())) {
            if (in.available() == 0 && isEmpty(in)) {
                return result; // an empty message holds no events
            }
            switch (endpoint.format()) {
                case CSV -> readCsv(endpoint, in, context, sink, result);
                case NDJSON -> readLines(endpoint.charset(), in, context, sink, result);
                case AUTO -> readAuto(endpoint.charset(), in, context, sink, result);
            }
        }
        return result;
    }

    private void readAuto(Charset charset, InputStream in, RequestContext ctx, Consumer<InboundEvent> sink, Result result)
            throws IOException {
        byte[] body = utf8(in.readAllBytes(), charset);
        int values;
        try {
            values = countValues(body, 2);
        } catch (JsonProcessingException e) {
            result.problem("body", "not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
            return;
        }
        if (values == 0) {
            return; // empty or blank: no events
        }
        if (values > 1) {
            readLines(StandardCharsets.UTF_8, new java.io.ByteArrayInputStream(body), ctx, sink, result);
            return;
        }
        offer(body, "body", ctx, sink, result);
    }

    private void readLines(Charset charset, InputStream in, RequestContext ctx, Consumer<InboundEvent> sink, Result result)
            throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, charset), 64 * 1024);
        String line;
        int n = 0;
        while ((line = lines.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            String where = "line " + n;
            try {
                if (countValues(bytes, 2) > 1) {
                    result.problem(where, "more than one JSON value on the line");
                    continue;
                }
            } catch (JsonProcessingException e) {
                result.problem(where, "not valid JSON (column " + e.getLocation().getColumnNr() + ")");
                continue;
            }
            offer(bytes, where, ctx, sink, result);
        }
    }

    private void readCsv(IngestEndpoint endpoint, InputStream in, RequestContext ctx, Consumer<InboundEvent> sink,
            Result result) throws IOException {
        IngestEndpoint.Csv csv = endpoint.csv();
        Reader reader = new BufferedReader(new InputStreamReader(in, endpoint.charset()), 64 * 1024);
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnSeparator(csv.separator());
        try (MappingIterator<Map<String, String>> rows = csvMapper.readerFor(Map.class).with(schema)
                .with(CsvParser.Feature.TRIM_SPACES).readValues(reader)) {
            boolean more = rows.hasNextValue();
            List<String> header = new ArrayList<>();
            if (rows.getParser() instanceof CsvParser p) {
                p.getSchema().forEach(c -> header.add(c.getName()));
            }
            if (header.isEmpty()) {
                return; // empty file: no events
            }
            Map<String, String> mapping = mapping(csv, header, result);
            if (result.problemCount() > 0) {
                return;
            }
            int record = 0;
            while (more) {
                record++;
                String where = "record " + record;
                Map<String, String> row;
                try {
                    row = rows.nextValue();
                    where = where + " (line " + rows.getCurrentLocation().getLineNr() + ")";
                } catch (RuntimeException e) {
                    result.problem(where, csvProblem(e));
                    return; // the parser cannot continue reliably
                }
                Map<String, Object> event = new LinkedHashMap<>();
                csv.constants().forEach((path, value) -> put(event, path, value));
                mapping.forEach((path, column) -> {
                    String v = row.get(column);
                    if (v != null && !v.isBlank()) {
                        put(event, path, v.trim());
                    }
                });
                offer(mapper.writeValueAsBytes(event), where, ctx, sink, result);
                try {
                    more = rows.hasNextValue();
                } catch (RuntimeException e) {
                    result.problem("record " + (record + 1), csvProblem(e));
                    return;
                }
            }
        } catch (JsonProcessingException e) {
            result.problem("line " + e.getLocation().getLineNr(), csvProblem(e));
        }
    }

    /** Event field path → actual header name; problems for mapped columns the header lacks. */
    private static Map<String, String> mapping(IngestEndpoint.Csv csv, List<String> header, Result result) {
        Map<String, String> mapping = new LinkedHashMap<>();
        if (csv.columns().isEmpty()) {
            for (String h : header) {
                String root = h.contains(".") ? h.substring(0, h.indexOf('.')) : h;
                if (IngestEndpointSettings.EVENT_ROOTS.contains(root)) {
                    mapping.put(h, h);
                } else {
                    result.ignoredColumns().add(h);
                }
            }
            if (!mapping.containsKey("event") && !csv.constants().containsKey("event")) {
                result.problem("header", "no 'event' column (header: " + header + "); name the columns after the event "
                        + "fields or configure csv.columns / csv.constants");
            }
            return mapping;
        }
        for (Map.Entry<String, String> e : csv.columns().entrySet()) {
            String found = null;
            for (String h : header) {
                if (h.equals(e.getValue())) {
                    found = h;
                    break;
                }
                if (found == null && h.trim().toLowerCase(Locale.ROOT).equals(e.getValue().toLowerCase(Locale.ROOT))) {
                    found = h;
                }
            }
            if (found == null) {
                result.problem("header", "no column '" + e.getValue() + "' for " + e.getKey() + " (header: " + header + ")");
            } else {
                mapping.put(e.getKey(), found);
            }
        }
        for (String h : header) {
            if (!mapping.containsValue(h)) {
                result.ignoredColumns().add(h);
            }
        }
        return mapping;
    }

    /** Sets a dotted path ({@code user.email}, {@code properties.contents.0.price}) in a JSON-like map. */
    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> root, String path, String value) {
        String[] parts = path.split("\\.");
        Object node = root;
        for (int i = 0; i < parts.length; i++) {
            boolean last = i == parts.length - 1;
            String part = parts[i];
            boolean nextIsIndex = !last && parts[i + 1].matches("\\d{1,3}");
            Object child = last ? value : nextIsIndex ? new ArrayList<>() : new LinkedHashMap<String, Object>();
            if (node instanceof Map<?, ?> m) {
                Map<String, Object> map = (Map<String, Object>) m;
                node = last ? map.put(part, child) : map.computeIfAbsent(part, k -> child);
            } else if (node instanceof List<?> l && part.matches("\\d{1,3}")) {
                List<Object> list = (List<Object>) l;
                int idx = Integer.parseInt(part);
                while (list.size() <= idx) {
                    list.add(null);
                }
                if (last || list.get(idx) == null) {
                    list.set(idx, child);
                }
                node = list.get(idx);
            } else {
                return; // path conflicts with an earlier one (a value where an object is needed): ignored
            }
        }
    }

    private void offer(byte[] json, String where, RequestContext ctx, Consumer<InboundEvent> sink, Result result) {
        InboundBodyReader.Result read;
        try {
            read = bodyReader.read(json, ctx);
        } catch (MalformedRequestException e) {
            result.problem(where, e.getMessage());
            return;
        }
        for (EventOutcome o : read.rejected()) {
            for (EventOutcome.Rejection r : o.getRejections()) {
                result.problem(read.total() > 1 ? where + ", element " + o.getIndex() : where,
                        r.field() == null ? r.reason() : r.field() + ": " + r.reason());
            }
        }
        for (InboundEvent e : read.events()) {
            sink.accept(new InboundEvent(result.events++, e.format(), e.body(), e.context()));
        }
    }

    /** @return how many JSON values the bytes hold, counting at most {@code limit} */
    private static int countValues(byte[] json, int limit) throws IOException {
        int n = 0;
        try (JsonParser p = JSON.createParser(json)) {
            while (n < limit && p.nextToken() != null) {
                p.skipChildren();
                n++;
            }
        }
        return n;
    }

    private static String csvProblem(Exception e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.contains("Too many entries")) {
            return "more values than the header has columns";
        }
        if (m.contains("Missing closing quote") || m.contains("EOF in quoted")) {
            return "a quoted value is not closed";
        }
        return "malformed CSV (" + e.getClass().getSimpleName() + ")";
    }

    private static byte[] utf8(byte[] bytes, Charset charset) {
        return charset.equals(StandardCharsets.UTF_8) ? bytes : new String(bytes, charset).getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isEmpty(InputStream in) throws IOException {
        PushbackInputStream p = (PushbackInputStream) in;
        int b = p.read();
        if (b < 0) {
            return true;
        }
        p.unread(b);
        return false;
    }

    /** Skips a UTF-8 byte order mark. */
    private static PushbackInputStream skipBom(InputStream in) throws IOException {
        PushbackInputStream p = new PushbackInputStream(in, 4);
        byte[] b = new byte[3];
        int n = p.readNBytes(b, 0, 3);
        if (!(n == 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) && n > 0) {
            p.unread(b, 0, n);
        }
        return p;
    }
}
