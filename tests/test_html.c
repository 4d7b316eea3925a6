/* test_html.c: the report's HTML builder: escaping by default, formatted appends, growth, edge cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include "io/html.h"

static void escapes_markup(void **state)
{
    (void)state;
    char *e = cl_html_escape("<script>alert('x') & \"y\"</script>");
    assert_non_null(e);
    assert_string_equal(e, "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;&#47;script&gt;");
    free(e);
}

static void leaves_plain_text_and_utf8(void **state)
{
    (void)state;
    char *e = cl_html_escape("Riverside CMHC, caf\xc3\xa9 \xe2\x80\x94 week 09:00\tok\n");
    assert_string_equal(e, "Riverside CMHC, caf\xc3\xa9 \xe2\x80\x94 week 09:00\tok\n");
    free(e);
    e = cl_html_escape("");
    assert_string_equal(e, "");
    free(e);
    assert_null(cl_html_escape(NULL));
}

static void control_characters_become_spaces(void **state)
{
    (void)state;
    char *e = cl_html_escape("a\x01"
                             "b\x1b"
                             "c\x7f"
                             "d\r");
    assert_string_equal(e, "a b c d ");
    free(e);
}

static void no_url_survives(void **state)
{
    (void)state;
    char *e = cl_html_escape("see https://example.org/x and http://a");
    assert_null(strstr(e, "://"));
    assert_null(strstr(e, "http:/"));
    assert_non_null(strstr(e, "https:&#47;&#47;example.org&#47;x"));
    free(e);
}

static void format_escapes_strings_only(void **state)
{
    (void)state;
    cl_html h;
    cl_html_init(&h);
    cl_html_f(&h, "<td class=\"%s\">%s %d %5.1f%% %zu %ld %c %x %g</td>", "a\"b", "<b>", -3, 12.25, (size_t)7,
              123456789L, '<', 255, 0.5);
    const char *volatile none = NULL; /* volatile: the compiler must not see the NULL */
    cl_html_f(&h, "%s|%s", none, "&");
    char *t = cl_html_take(&h);
    assert_string_equal(t, "<td class=\"a&quot;b\">&lt;b&gt; -3  12.2% 7 123456789 &lt; ff 0.5</td>|&amp;");
    free(t);
    cl_html_dispose(&h);
}

static void raw_is_verbatim(void **state)
{
    (void)state;
    cl_html h;
    cl_html_init(&h);
    cl_html_raw(&h, "<p>");
    cl_html_text(&h, "<i>");
    cl_html_raw(&h, "</p>");
    cl_html_raw(&h, NULL);
    cl_html_text(&h, NULL);
    assert_string_equal(h.buf, "<p>&lt;i&gt;</p>");
    assert_int_equal(h.len, strlen(h.buf));
    cl_html_dispose(&h);
}

static void grows_past_its_first_block(void **state)
{
    (void)state;
    cl_html h;
    cl_html_init(&h);
    for (int i = 0; i < 20000; i++)
        cl_html_f(&h, "<i>%d</i>", i % 10);
    assert_false(h.failed);
    assert_int_equal(h.len, 20000 * strlen("<i>0</i>"));
    assert_memory_equal(h.buf + h.len - 8, "<i>9</i>", 8);
    char *t = cl_html_take(&h);
    assert_non_null(t);
    assert_null(h.buf);
    assert_int_equal(h.len, 0);
    free(t);
}

static void empty_take_is_empty_string(void **state)
{
    (void)state;
    cl_html h;
    cl_html_init(&h);
    char *t = cl_html_take(&h);
    assert_non_null(t);
    assert_string_equal(t, "");
    free(t);
    cl_html_dispose(&h);
    cl_html_dispose(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_markup),
        cmocka_unit_test(leaves_plain_text_and_utf8),
        cmocka_unit_test(control_characters_become_spaces),
        cmocka_unit_test(no_url_survives),
        cmocka_unit_test(format_escapes_strings_only),
        cmocka_unit_test(raw_is_verbatim),
        cmocka_unit_test(grows_past_its_first_block),
        cmocka_unit_test(empty_take_is_empty_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
