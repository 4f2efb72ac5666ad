package org.vificlip.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** HTML references decoded as Python's html.unescape (expected values computed by Python 3.11). */
class HtmlEntitiesTest {
    private static final String[][] PYTHON_UNESCAPE = {
            {"&amp;", "&"},
            {"&amp", "&"},
            {"&ampx", "&x"},
            {"&amp;amp;", "&amp;"},
            {"&notit;", "\u00acit;"},
            {"&notin", "\u00acin"},
            {"&#65;", "A"},
            {"&#x41", "A"},
            {"&#X41;", "A"},
            {"&#128;", "\u20ac"},
            {"&#0;", "\ufffd"},
            {"&#13;", "\r"},
            {"&#xD800;", "\ufffd"},
            {"&#1114112;", "\ufffd"},
            {"&#99999999999999999999;", "\ufffd"},
            {"&#1;", ""},
            {"&#xFFFE;", ""},
            {"&#x1F600;", "\ud83d\ude00"},
            {"&lt;b&gt;", "<b>"},
            {"&AMP;", "&"},
            {"&Amp;", "&Amp;"},
            {"&quot", "\""},
            {"a & b", "a & b"},
            {"&;", "&;"},
            {"&#;", "&#;"},
            {"&#x;", "&#x;"},
            {"&foo;", "&foo;"},
            {"&nbsp;x", "\u00a0x"},
            {"&NotNestedGreaterGreater;", "\u2aa2\u0338"},
            {"&acE;", "\u223e\u0333"},
            {"&#65&#66;", "AB"},
    };

    @Test
    void matchesPythonHtmlUnescape() {
        for (String[] c : PYTHON_UNESCAPE) {
            assertEquals(c[1], HtmlEntities.get().pythonUnescape(c[0]), c[0]);
        }
    }

    @Test
    void ftfyPassOnlyDecodesReferencesClosedBySemicolon() {
        HtmlEntities html = HtmlEntities.get();
        assertEquals("& &amp x", html.ftfyUnescape("&amp; &amp x"));
        assertEquals("\u00d1", html.ftfyUnescape("&NTILDE;"));
        assertEquals("&#65", html.ftfyUnescape("&#65"));
    }
}
