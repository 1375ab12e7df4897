package io.wavestash.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wavestash.storage.Times;
import io.wavestash.storage.query.Gap;
import io.wavestash.storage.query.Segment;
import java.util.List;
import java.util.Locale;

/** A window's segments and gaps as JSON, the same for {@code query}'s sidecar and the HTTP API. */
final class WindowJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WindowJson() {}

    /** Each segment: start, end, session, firstFrame, frames, and its format when {@code withFormat}. */
    static void segments(ArrayNode out, List<Segment> segments, boolean withFormat) {
        for (Segment s : segments) {
            ObjectNode n = out.addObject();
            n.put("start", s.start().toString());
            n.put("end", s.end().toString());
            n.put("session", Times.ofEpochMicros(s.sessionEpochMicros()).toString());
            n.put("firstFrame", s.firstFrame());
            n.put("frames", s.frames());
            if (withFormat) {
                n.set("format", JSON.valueToTree(s.format()));
            }
        }
    }

    /** Each gap: start, end, frames, reason. */
    static void gaps(ArrayNode out, List<Gap> gaps) {
        for (Gap g : gaps) {
            ObjectNode n = out.addObject();
            n.put("start", g.start().toString());
            n.put("end", g.end().toString());
            n.put("frames", g.frames());
            n.put("reason", g.reason().name().toLowerCase(Locale.ROOT));
        }
    }
}
