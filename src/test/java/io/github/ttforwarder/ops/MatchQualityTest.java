package io.github.ttforwarder.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Exact match-quality numbers for known events (pure Java, no Quarkus). */
class MatchQualityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String H = "a".repeat(64);

    private static void post(MatchQuality mq, String pixel, String json) throws Exception {
        mq.record(pixel, JSON.readTree(json));
    }

    @Test
    void sharesScoreAndTheMostUsefulImprovementOfKnownEvents() throws Exception {
        MatchQuality mq = new MatchQuality(100);
        // 8 Purchase events: 1 with e-mail, all with ip + user agent, 4 with ttp, 2 with ttclid, 6 with external_id
        for (int i = 0; i < 8; i++) {
            String user = "\"ip\":\"203.0.113.7\",\"user_agent\":\"UA\""
                    + (i == 0 ? ",\"email\":\"" + H + "\"" : "")
                    + (i < 4 ? ",\"ttp\":\"t" + i + "\"" : "")
                    + (i < 2 ? ",\"ttclid\":\"E.C.P." + i + "\"" : "")
                    + (i < 6 ? ",\"external_id\":[\"" + H + "\"]" : "");
            post(mq, "default", "{\"event\":\"Purchase\",\"user\":{" + user + "}}");
        }
        MatchQuality.Row r = mq.row("default", "Purchase");
        assertEquals(8, r.events());
        assertEquals(0.125, r.shares().get("email"));
        assertEquals(0.0, r.shares().get("phone"));
        assertEquals(0.75, r.shares().get("external_id"));
        assertEquals(0.5, r.shares().get("ttp"));
        assertEquals(0.25, r.shares().get("ttclid"));
        assertEquals(1.0, r.shares().get("ip"));
        assertEquals(1.0, r.shares().get("user_agent"));
        // 10 × (3×0.25 + 3×0.125 + 3×0 + 2×0.75 + 2×0.5 + 1 + 1) / 15 = 10 × 5.625 / 15 = 3.75
        assertEquals(3.75, r.score(), 1e-12);
        // phone costs 3 × 1.0 = 3 weight points = 2.0 score points, the most
        assertEquals("phone", r.bestKey());
        assertEquals(2.0, r.gain(), 1e-12);
        assertEquals("only 0 % of Purchase events carry a phone number (on every event: +2.0)", r.improvement());
    }

    @Test
    void theWindowSlidesAndEmptyOrBlankValuesDoNotCount() throws Exception {
        MatchQuality mq = new MatchQuality(3);
        post(mq, "p", "{\"event\":\"Lead\",\"user\":{\"email\":\"" + H + "\",\"phone\":[]}}");
        post(mq, "p", "{\"event\":\"Lead\",\"user\":{\"email\":\"  \",\"ttclid\":\"c\"}}");
        post(mq, "p", "{\"event\":\"Lead\",\"user\":{\"email\":[\"" + H + "\"]}}");
        assertEquals(2.0 / 3, mq.row("p", "Lead").shares().get("email"), 1e-12);
        assertEquals(0.0, mq.row("p", "Lead").shares().get("phone"));
        post(mq, "p", "{\"event\":\"Lead\"}"); // pushes the first event out
        assertEquals(3, mq.row("p", "Lead").events());
        assertEquals(1.0 / 3, mq.row("p", "Lead").shares().get("email"), 1e-12);
        assertEquals(1.0 / 3, mq.row("p", "Lead").shares().get("ttclid"), 1e-12);
        post(mq, "p", "{\"event\":\"Lead\"}");
        post(mq, "p", "{\"event\":\"Lead\"}");
        assertEquals(0.0, mq.row("p", "Lead").score());
        assertEquals("only 0 % of Lead events carry a TikTok click id (ttclid) (on every event: +2.0)",
                mq.row("p", "Lead").improvement());
    }

    @Test
    void everyKeyOnEveryEventScoresTenWithNothingToImprove() throws Exception {
        MatchQuality mq = new MatchQuality(10);
        post(mq, "p", "{\"event\":\"ViewContent\",\"user\":{\"email\":\"" + H + "\",\"phone\":\"" + H
                + "\",\"external_id\":\"" + H + "\",\"ttp\":\"t\",\"ttclid\":\"c\",\"ip\":\"1.2.3.4\",\"user_agent\":\"u\"}}");
        assertEquals(10.0, mq.row("p", "ViewContent").score(), 1e-12);
        assertNull(mq.row("p", "ViewContent").improvement());
        assertNull(MatchQuality.mostUseful(mq.report()));
    }

    @Test
    void theMostUsefulImprovementWeighsEventCounts() throws Exception {
        MatchQuality mq = new MatchQuality(10);
        post(mq, "p", "{\"event\":\"Purchase\",\"user\":{\"ttclid\":\"c\",\"email\":\"" + H + "\",\"phone\":\"" + H + "\"}}");
        for (int i = 0; i < 3; i++) {
            post(mq, "p", "{\"event\":\"Pageview\",\"user\":{\"ttclid\":\"c\",\"email\":\"" + H + "\"}}");
        }
        List<MatchQuality.Row> rows = mq.report();
        assertEquals(List.of("Pageview", "Purchase"), rows.stream().map(MatchQuality.Row::event).toList());
        // Purchase: +1.333 (external_id) × 1 event; Pageview: +2.0 (phone) × 3 events
        assertEquals("Pageview", MatchQuality.mostUseful(rows).event());
        assertEquals("phone", MatchQuality.mostUseful(rows).bestKey());
    }
}
