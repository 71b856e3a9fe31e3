package io.github.ttforwarder.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.ttforwarder.model.EventOutcome;
import io.github.ttforwarder.model.InboundEvent.Format;
import io.github.ttforwarder.model.RequestContext;

/** E-mail addresses and phone numbers removed from page.url, page.referrer and description. */
class FreeTextRedactorTest {

    private final FreeTextRedactor us = new FreeTextRedactor(true, "US");
    private final FreeTextRedactor noRegion = new FreeTextRedactor(true, (String) null);

    private static TikTokEventDraft draft() {
        return new TikTokEventDraft(Format.PLAIN, new HashMap<>(), new RequestContext("r", "/events", null, null, null, 0),
                new HashMap<>(), new EventOutcome(0), "rule");
    }

    @Test
    void emailsAnywhereAlsoPercentEncoded() {
        assertEquals("https://x.example/u/REDACTED/p?e=REDACTED&f=REDACTED&g=REDACTED&h=1",
                FreeTextRedactor.emails("https://x.example/u/jane@example.com/p?e=jane%40example.com&f=j.d%2Bx%40Example.CO.uk"
                        + "&g=jane%2540example.org&h=1"));
        assertEquals("mail REDACTED. Or REDACTED!", FreeTextRedactor.emails("mail Jane.Doe@example.com. Or zoë@exämple.de!"));
        String none = "https://x.example/@handle and a@b and @x.com and user@localhost";
        assertSame(none, FreeTextRedactor.emails(none));
    }

    @Test
    void phonesInTextAndUrls() {
        TikTokEventDraft d = draft();
        assertEquals("Call REDACTED or REDACTED today", us.redact(d, "properties.description",
                "Call (415) 555-0123 or +44 20 7946 0958 today", false));
        assertEquals(List.of("properties.description: e-mail address or phone number removed (forwarder.redaction.enabled)"),
                d.outcome().getWarnings());
        assertEquals("https://x.example/c?tel=REDACTED&ph=REDACTED&sku=12345&d=2025-03-14",
                us.redact(draft(), "page.url", "https://x.example/c?tel=%2B14155550123&ph=+1%20415%20555%200123&sku=12345&d=2025-03-14", true));
        // without a default region only international numbers are recognised
        assertEquals("call 415 555 0123 or REDACTED", noRegion.redact(draft(), "properties.description",
                "call 415 555 0123 or +1 415 555 0123", false));
    }

    @Test
    void nothingFoundNothingChangedNoWarning() {
        TikTokEventDraft d = draft();
        String url = "https://shop.example/p/SKU-1234567?ttclid=E.C.P.CsQBabc123&order=20250314";
        assertSame(url, us.redact(d, "page.url", url, true));
        assertEquals(List.of(), d.outcome().getWarnings());
    }

    @Test
    void canBeTurnedOff() {
        FreeTextRedactor off = new FreeTextRedactor(false, "US");
        TikTokEventDraft d = draft();
        assertEquals("jane@example.com +1 415 555 0123", off.redact(d, "properties.description", "jane@example.com +1 415 555 0123", false));
        assertEquals(List.of(), d.outcome().getWarnings());
    }

    @Test
    void linearOnHostileText() {
        // runs of separators and over-long parts (no address: a local part is at most 64 characters), then a real one
        String hostile = "%40".repeat(5000) + "a".repeat(5000) + "@" + "b.".repeat(3000) + " jane@example.com";
        long start = System.nanoTime();
        org.junit.jupiter.api.Assertions.assertFalse(us.redact(draft(), "page.url", hostile, true).contains("jane@example.com"));
        us.redact(draft(), "properties.description", hostile + " 4155550123 ".repeat(200), false);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("hostile redaction took " + ms + " ms");
    }
}
