package io.github.ttforwarder.rules;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.ttforwarder.support.TikTokFake;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;

/**
 * The traps of issue 8, as a user falls into them: a rule file written while the forwarder runs, an event posted
 * over HTTP, and what the forwarder now does about it.
 */
@QuarkusTest
@WithTestResource(TikTokFake.class)
@TestProfile(RuleFolder.Profile.class)
class RuleTrapsTest {

    @Inject
    RuleFiles files;
    @Inject
    RuleRegistry registry;
    @io.quarkus.test.common.http.TestHTTPResource(value = "/", management = true)
    java.net.URL management;

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static String xdm(String id, String type, String extra) {
        return "{\"xdm\":{\"eventType\":\"" + type + "\",\"_id\":\"" + id + "\",\"timestamp\":\"2025-03-14T09:44:20Z\""
                + ",\"identityMap\":{\"Email\":[{\"id\":\"Jane.Doe@example.com\"}]}"
                + ",\"web\":{\"webPageDetails\":{\"URL\":\"https://shop.example.com/p/1\"}}" + extra + "}}";
    }

    static ValidatableResponse collect(String... events) {
        return given().contentType("application/json").body("{\"events\":[" + String.join(",", events) + "]}")
                .when().post("/ee/v2/collect").then();
    }

    void awaitActive(String id) {
        // loading is not what is promised within 5 s; a busy machine may take longer
        RuleFolder.await("rule " + id + " active", () -> registry.find(id) != null, Duration.ofSeconds(20));
    }

    /** Each test starts from the shipped rules only. */
    @org.junit.jupiter.api.AfterEach
    void cleanUp() {
        RuleFolder.deleteAllButShipped();
        RuleFolder.await("only the shipped rules left", () -> registry.rules().size() == 7, Duration.ofSeconds(20));
    }

    void awaitGone(String id) {
        RuleFolder.await("rule " + id + " removed", () -> registry.find(id) == null);
    }

    /** Log records of the rule engine, for the one-line-per-failure promise. */
    static final class Captured extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            lines.add(String.valueOf(r.getMessage()) + (r.getThrown() == null ? "" : " +stacktrace"));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aThrowingRuleCostsOnlyThatRuleAndThatEvent() throws Exception {
        RuleFolder.write("throwing.yaml", """
                - route:
                    id: rule-search-filter-throws
                    group: tiktok-rules
                    from:
                      uri: direct:rule-search-filter-throws
                      steps:
                        - filter:
                            simple: "${body[xdm][siteSearch][query].length()} > 0"
                            steps:
                              - setHeader:
                                  name: tiktok.event
                                  constant: Search
                              - to: direct:tiktok-event
                - route:
                    id: rule-throws-after-filter
                    group: tiktok-rules
                    from:
                      uri: direct:rule-throws-after-filter
                      steps:
                        - filter:
                            simple: "${header.ForwarderEventType} == 'commerce.purchases'"
                            steps:
                              - setHeader:
                                  name: tiktok.event
                                  constant: PlaceAnOrder
                              - setHeader:
                                  name: tiktok.properties.description
                                  simple: "${body[xdm][commerce][order][purchaseID].noSuchMethod()}"
                              - to: direct:tiktok-event
                """);
        awaitActive("rule-throws-after-filter");
        awaitActive("rule-search-filter-throws");
        Captured log = new Captured();
        java.util.logging.Logger engineLog = java.util.logging.Logger.getLogger(RuleEngine.class.getName());
        engineLog.addHandler(log);
        try {
            collect(xdm("iso-purchase", "commerce.purchases", ",\"commerce\":{\"order\":{\"purchaseID\":\"o-1\"}}"),
                    xdm("iso-view", "web.webpagedetails.pageViews", ""),
                    xdm("iso-search", "siteSearch", ",\"siteSearch\":{\"query\":\"red socks\"}"))
                    .statusCode(202)
                    .body("events[0].status", equalTo("forwarded"))
                    .body("events[0].sent.rule", hasItem("rule-purchase"))
                    .body("events[0].rejections.rule", hasItem("rule-throws-after-filter"))
                    .body("events[0].rejections.rule", hasItem("rule-search-filter-throws"))
                    .body("events[1].status", equalTo("forwarded"))
                    .body("events[1].rejections.rule", hasItem("rule-search-filter-throws"))
                    .body("events[2].status", equalTo("forwarded"))
                    .body("events[2].sent.rule", hasItem("rule-search-filter-throws"));
        } finally {
            engineLog.removeHandler(log);
        }
        assertEquals("Purchase", TikTokFake.byEventId("iso-purchase").event().path("event").asText());
        assertEquals("Pageview", TikTokFake.byEventId("iso-view").event().path("event").asText());
        assertEquals("Search", TikTokFake.byEventId("iso-search").event().path("event").asText());
        // one line per failure, naming the rule and its file, no stack trace
        List<String> lines = log.lines.stream().filter(l -> l.contains("rule-throws-after-filter")).toList();
        assertEquals(1, lines.size(), log.lines.toString());
        assertTrue(lines.get(0).contains("throwing.yaml"), lines.get(0));
        assertFalse(lines.get(0).contains("+stacktrace"));
        // the dead letter keeps the input event for replay, the e-mail hashed
        JsonNode dl = given().port(management.getPort()).queryParam("reason", "rule-failed").queryParam("limit", 0)
                .when().get("/admin/dead-letters").then().statusCode(200).extract().as(JsonNode.class);
        JsonNode kept = null;
        for (JsonNode d : dl.path("dead_letters")) {
            JsonNode in = d.path("input");
            if (in.path("body").path("xdm").path("_id").asText().equals("iso-purchase")
                    && "rule-throws-after-filter".equals(d.path("rule").asText())) {
                kept = in;
            }
        }
        assertNotNull(kept, dl.toString());
        assertEquals("xdm", kept.path("format").asText());
        assertEquals(sha256("jane.doe@example.com"), kept.path("body").path("xdm").path("identityMap").path("Email").get(0).path("id").asText());
        assertFalse(dl.toString().contains("Jane.Doe@example.com"));
        RuleFolder.delete("throwing.yaml");
        awaitGone("rule-throws-after-filter");
    }

    @Test
    void aNullSafeConditionDoesNotThrow() {
        RuleFolder.write("nullsafe.yaml", """
                - rule:
                    id: nullsafe-search
                    when: "${body[xdm]?[siteSearch]?[query]} != null"
                    event: Search
                    fields:
                      properties.query: "${body[xdm][siteSearch][query]}"
                """);
        awaitActive("nullsafe-search");
        collect(xdm("ns-view", "web.webpagedetails.pageViews", ""),
                xdm("ns-search", "siteSearch", ",\"siteSearch\":{\"query\":\"blue hat\"}"))
                .statusCode(202)
                .body("events[0].rejections", org.hamcrest.Matchers.nullValue())
                .body("events[1].sent.rule", hasItem("nullsafe-search"));
        assertEquals("blue hat", TikTokFake.byEventId("ns-search").event().path("properties").path("query").asText());
        RuleFolder.delete("nullsafe.yaml");
        awaitGone("nullsafe-search");
    }

    @Test
    void aMisspelledHeaderRefusesTheFileAndKeepsItsPreviousVersion() {
        String good = """
                - route:
                    id: rule-typo-search
                    group: tiktok-rules
                    from:
                      uri: direct:rule-typo-search
                      steps:
                        - filter:
                            simple: "${header.ForwarderEventType} == 'typoSearch'"
                            steps:
                              - setHeader:
                                  name: tiktok.event
                                  constant: Search
                              - setHeader:
                                  name: tiktok.properties.query
                                  simple: "${body[xdm][siteSearch][query]}"
                              - to: direct:tiktok-event
                """;
        RuleFolder.write("typo.yaml", good);
        awaitActive("rule-typo-search");
        RuleFolder.write("typo.yaml", good.replace("tiktok.properties.query", "tiktok.propeties.query")
                .replace("- to: direct:tiktok-event", """
                - setHeader:
                                  name: tiktok.user.emial
                                  simple: "${body[xdm][_myorg][email]}"
                              - to: direct:tiktok-event"""));
        RuleFolder.await("problems reported", () -> RuleFolder.problems(files, "typo.yaml").size() >= 2);
        List<String> problems = RuleFolder.problems(files, "typo.yaml").stream().map(RuleProblem::toString).toList();
        assertTrue(problems.contains(RuleFolder.DIR + "/typo.yaml:14: error: unknown header 'tiktok.propeties.query': "
                + "the mapping never reads it (did you mean tiktok.properties.query?) (rule-typo-search)"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains(":17: error: unknown header 'tiktok.user.emial'")
                && p.contains("did you mean tiktok.user.email?")), problems.toString());
        // the previous version still forwards the query
        collect(xdm("typo-1", "typoSearch", ",\"siteSearch\":{\"query\":\"green\"}")).statusCode(202)
                .body("events[0].sent.rule", hasItem("rule-typo-search"));
        assertEquals("green", TikTokFake.byEventId("typo-1").event().path("properties").path("query").asText());
        RuleFolder.delete("typo.yaml");
        awaitGone("rule-typo-search");
    }

    @Test
    void misspelledEventNamesAndMissingGroupsAreWarnedWithTheClosestName() {
        RuleFolder.write("names.yaml", """
                - rule:
                    id: names-purchase
                    on: names.buy
                    event: Purchse
                - rule:
                    id: names-wishlist
                    on: names.wish
                    event: AddToWishList
                - route:
                    id: rule-no-group
                    from:
                      uri: direct:rule-no-group
                      steps:
                        - setHeader:
                            name: tiktok.event
                            constant: Lead
                        - to: direct:tiktok-event
                """);
        // a compact file holds only rules: the route item is an error pointing at it
        RuleFolder.await("mixed file refused", () -> !RuleFolder.problems(files, "names.yaml").isEmpty());
        assertTrue(RuleFolder.problems(files, "names.yaml").get(0).toString().contains(":9: error: a file of compact rules holds only"));
        RuleFolder.write("names.yaml", """
                - rule:
                    id: names-purchase
                    on: names.buy
                    event: Purchse
                - rule:
                    id: names-wishlist
                    on: names.wish
                    event: AddToWishList
                """);
        RuleFolder.write("nogroup.yaml", """
                - route:
                    id: rule-no-group
                    from:
                      uri: direct:rule-no-group
                      steps:
                        - setHeader:
                            name: tiktok.event
                            constant: Lead
                        - to: direct:tiktok-event
                - route:
                    id: rule-wrong-group
                    group: tiktok-rule
                    from:
                      uri: direct:rule-wrong-group
                      steps:
                        - to: direct:tiktok-event
                """);
        awaitActive("names-wishlist");
        RuleFolder.await("group warnings", () -> RuleFolder.problems(files, "nogroup.yaml").size() == 2);
        List<String> names = RuleFolder.problems(files, "names.yaml").stream().map(RuleProblem::toString).toList();
        assertTrue(names.get(0).endsWith("names.yaml:4: warning: 'Purchse' is not a TikTok standard event (did you mean "
                + "Purchase?); as written it is sent as a custom event (names-purchase)"), names.toString());
        assertTrue(names.get(1).contains("names.yaml:8: warning: 'AddToWishList' is not a TikTok standard event (did you mean AddToWishlist?)"), names.toString());
        List<String> groups = RuleFolder.problems(files, "nogroup.yaml").stream().map(RuleProblem::toString).toList();
        assertTrue(groups.get(0).contains("nogroup.yaml:2: warning: no group: this route is never offered events; add 'group: tiktok-rules' (rule-no-group)"), groups.toString());
        assertTrue(groups.get(1).contains("nogroup.yaml:11: warning: group 'tiktok-rule': this route is never offered events; add 'group: tiktok-rules' (did you mean tiktok-rules?)"), groups.toString());
        // warnings do not stop the rule: the custom name goes out as written (default custom-events=warn)
        collect(xdm("names-1", "names.buy", "")).statusCode(202).body("events[0].sent.event", hasItem("Purchse"));
        RuleFolder.delete("names.yaml");
        RuleFolder.delete("nogroup.yaml");
        awaitGone("names-wishlist");
    }

    @Test
    void aMisspelledTargetIsRefusedAndAMissingDynamicTargetFailsAtOnce() {
        RuleFolder.write("target.yaml", """
                - route:
                    id: rule-bad-target
                    group: tiktok-rules
                    from:
                      uri: direct:rule-bad-target
                      steps:
                        - setHeader:
                            name: tiktok.event
                            constant: Lead
                        - to: direct:tiktok-evnt
                """);
        RuleFolder.await("refused", () -> !RuleFolder.problems(files, "target.yaml").isEmpty());
        assertEquals(List.of(RuleFolder.DIR + "/target.yaml:10: error: 'direct:tiktok-evnt': no route reads this endpoint "
                + "(did you mean direct:tiktok-event?) (rule-bad-target)"),
                RuleFolder.problems(files, "target.yaml").stream().map(RuleProblem::toString).toList());
        assertTrue(registry.find("rule-bad-target") == null);
        RuleFolder.write("target.yaml", """
                - route:
                    id: rule-dynamic-target
                    group: tiktok-rules
                    from:
                      uri: direct:rule-dynamic-target
                      steps:
                        - filter:
                            simple: "${header.ForwarderEventType} == 'dyn.lead'"
                            steps:
                              - setHeader:
                                  name: tiktok.event
                                  constant: Lead
                              - toD: "direct:tiktok-evnt-${header.ForwarderInputFormat}"
                """);
        awaitActive("rule-dynamic-target");
        long start = System.nanoTime();
        collect(xdm("dyn-1", "dyn.lead", ""), xdm("dyn-2", "web.webpagedetails.pageViews", "")).statusCode(202)
                .body("events[1].status", equalTo("forwarded"))
                .body("events[0].status", equalTo("rejected"))
                .body("events[0].rejections[0].rule", equalTo("rule-dynamic-target"));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5, "a missing endpoint fails at once");
        RuleFolder.delete("target.yaml");
        awaitGone("rule-dynamic-target");
    }

    @Test
    void aRuleCallingARouteOfAnotherFileIsCheckedAgainstAllFilesWhateverTheirOrder() {
        // "a-…" sorts before "z-…": the caller is read first, before the file holding the route it calls
        String caller = """
                - route:
                    id: rule-cross-caller
                    group: tiktok-rules
                    from:
                      uri: direct:rule-cross-caller
                      steps:
                        - filter:
                            simple: "${header.ForwarderEventType} == 'cross.lead'"
                            steps:
                              - to: direct:cross-shared-lead
                """;
        String callee = """
                - route:
                    id: cross-shared-lead
                    from:
                      uri: direct:cross-shared-lead
                      steps:
                        - setHeader:
                            name: tiktok.event
                            constant: Lead
                        - to: direct:tiktok-event
                """;
        RuleFolder.write("a-cross-caller.yaml", caller);
        RuleFolder.await("caller refused while its target is missing",
                () -> !RuleFolder.problems(files, "a-cross-caller.yaml").isEmpty());
        assertTrue(RuleFolder.problems(files, "a-cross-caller.yaml").get(0).toString()
                .contains("'direct:cross-shared-lead': no route reads this endpoint"));
        RuleFolder.write("z-cross-steps.yaml", callee); // the missing route arrives: the refused caller is checked again
        awaitActive("rule-cross-caller");
        assertEquals(List.of(), RuleFolder.problems(files, "a-cross-caller.yaml").stream().filter(RuleProblem::error).toList());
        collect(xdm("cross-1", "cross.lead", "")).statusCode(202)
                .body("events[0].status", equalTo("forwarded"))
                .body("events[0].sent[0].event", equalTo("Lead"));
        RuleFolder.delete("a-cross-caller.yaml");
        RuleFolder.delete("z-cross-steps.yaml");
        awaitGone("rule-cross-caller");
    }

    @Test
    void aYamlErrorIsOneLineWithItsLineNumberAndTheReloadOfBrokenFixedDeletedAndEmptiedFiles() {
        String good = """
                - rule:
                    id: reload-lead
                    on: reload.lead
                    event: Lead
                """;
        RuleFolder.write("reload.yaml", good);
        RuleFolder.write("other.yaml", """
                - rule:
                    id: reload-other
                    on: reload.other
                    event: Contact
                """);
        awaitActive("reload-lead");
        awaitActive("reload-other");
        // broken: a tab-less bad indentation
        RuleFolder.write("reload.yaml", good.replace("    event: Lead", "  event: Lead\n   oops: [unclosed"));
        RuleFolder.await("syntax error reported", () -> !RuleFolder.problems(files, "reload.yaml").isEmpty());
        RuleProblem p = RuleFolder.problems(files, "reload.yaml").get(0);
        assertTrue(p.error());
        assertTrue(p.line() >= 4 && p.line() <= 6, p.toString());
        assertFalse(p.toString().contains("\n"), p.toString());
        assertTrue(p.toString().contains("does not parse"), p.toString());
        // the previous version stays active; the broken file never blocks another file's reload
        assertNotNull(registry.find("reload-lead"));
        RuleFolder.write("other.yaml", """
                - rule:
                    id: reload-other-2
                    on: reload.other
                    event: Contact
                """);
        awaitActive("reload-other-2");
        awaitGone("reload-other");
        collect(xdm("reload-1", "reload.lead", "")).statusCode(202).body("events[0].sent.event", hasItem("Lead"));
        // fixed
        RuleFolder.write("reload.yaml", good.replace("Lead", "Contact").replace("reload.lead", "reload.fixed"));
        RuleFolder.await("fixed version active", () -> registry.find("reload-lead") != null
                && "Contact".equals(registry.find("reload-lead").event()));
        assertTrue(RuleFolder.problems(files, "reload.yaml").isEmpty());
        // emptied
        RuleFolder.write("reload.yaml", "# nothing here any more\n");
        awaitGone("reload-lead");
        collect(xdm("reload-2", "reload.fixed", "")).statusCode(202).body("events[0].status", equalTo("unmatched"));
        // deleted
        RuleFolder.delete("other.yaml");
        awaitGone("reload-other-2");
        RuleFolder.delete("reload.yaml");
    }

    @Test
    void anOverrideThatComesOutEmptyFallsBackToTheDefaultSource() throws Exception {
        RuleFolder.write("myorg.yaml", """
                - rule:
                    id: myorg-signup
                    on: myorg.signup
                    event: CompleteRegistration
                    fields:
                      user.email: "${body[xdm][_myorg][tiktok][email]}"
                      user.ip: "${body[xdm][_myorg][tiktok][ip]}"
                      page.url: "${body[xdm][_myorg][tiktok][pageUrl]}"
                      event_time: "${body[xdm][_myorg][tiktok][time]}"
                      properties.description: ""
                """);
        awaitActive("myorg-signup");
        String withoutGroup = "{\"xdm\":{\"eventType\":\"myorg.signup\",\"_id\":\"fb-1\",\"timestamp\":\"2025-03-14T09:44:20Z\""
                + ",\"identityMap\":{\"Email\":[{\"id\":\"jane@example.com\"}]},\"environment\":{\"ipV4\":\"203.0.113.9\"}"
                + ",\"web\":{\"webPageDetails\":{\"URL\":\"https://shop.example.com/signup\"}},\"_myorg\":{\"tiktok\":{}}}}";
        collect(withoutGroup).statusCode(202).body("events[0].warnings", org.hamcrest.Matchers.nullValue());
        JsonNode e = TikTokFake.byEventId("fb-1").event();
        assertEquals(sha256("jane@example.com"), e.path("user").path("email").asText());
        assertEquals("203.0.113.9", e.path("user").path("ip").asText());
        assertEquals("https://shop.example.com/signup", e.path("page").path("url").asText());
        assertEquals(1741945460L, e.path("event_time").asLong());
        // and when the field group is there, it wins
        collect(withoutGroup.replace("fb-1", "fb-2").replace("\"tiktok\":{}",
                "\"tiktok\":{\"email\":\"joe@example.com\",\"pageUrl\":\"https://shop.example.com/x\"}")).statusCode(202);
        JsonNode e2 = TikTokFake.byEventId("fb-2").event();
        assertEquals(sha256("joe@example.com"), e2.path("user").path("email").asText());
        assertEquals("https://shop.example.com/x", e2.path("page").path("url").asText());
        RuleFolder.delete("myorg.yaml");
        awaitGone("myorg-signup");
    }

    @Test
    void singleItemPropertiesFromARuleBecomeOneContentsEntry() {
        RuleFolder.write("single.yaml", """
                - rule:
                    id: single-item
                    on: single.buy
                    event: AddToCart
                    fields:
                      properties.price: "${body[xdm][_myorg][price]}"
                      properties.quantity: "${body[xdm][_myorg][qty]}"
                      properties.content_id: "${body[xdm][_myorg][sku]}"
                      properties.content_name: "${body[xdm][_myorg][name]}"
                      properties.content_category: "${body[xdm][_myorg][category]}"
                      properties.currency: EUR
                """);
        awaitActive("single-item");
        collect("{\"xdm\":{\"eventType\":\"single.buy\",\"_id\":\"si-1\",\"timestamp\":\"2025-03-14T09:44:20Z\","
                + "\"_myorg\":{\"price\":\"19.90\",\"qty\":2,\"sku\":\"SKU-9\",\"name\":\"Sock\",\"category\":\"Apparel\"}}}")
                .statusCode(202).body("events[0].warnings", org.hamcrest.Matchers.nullValue());
        JsonNode p = TikTokFake.byEventId("si-1").event().path("properties");
        assertEquals(1, p.path("contents").size(), p.toString());
        JsonNode c = p.path("contents").get(0);
        assertEquals("SKU-9", c.path("content_id").asText());
        assertEquals("Sock", c.path("content_name").asText());
        assertEquals("Apparel", c.path("content_category").asText());
        assertEquals(2, c.path("quantity").asInt());
        assertEquals(19.9, c.path("price").asDouble());
        assertEquals("product", p.path("content_type").asText());
        assertEquals(39.8, p.path("value").asDouble());
        assertEquals("EUR", p.path("currency").asText());
        RuleFolder.delete("single.yaml");
        awaitGone("single-item");
    }
}
