// Browser tests of an official's path (issue 18, items 11 and 12): the
// printed report in Vietnamese and in English, the two linked, opened from
// the application in its language; the indicators tab's data date.
// Run alone with PHUSONG_E2E=officials (see lib.mjs).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { api, artifacts, base, newPage, openMap } from "./lib.mjs";

/** Letters English never writes. */
const VIETNAMESE = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/i;

/** The number of pages of a PDF that Chromium wrote. */
function pdfPages(pdf) {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
}

/**
 * Opens the report in lang, checks its language and its link to the other
 * one, prints it to A4 and returns the page count and the link's address.
 */
async function printReport(lang) {
  const page = await newPage({ width: 1366, height: 850 });
  await page.goto(`${base}/api/v1/report?as_of=2026-05-31&lang=${lang}`);
  await page.locator("section h2").first().waitFor();
  assert.equal(await page.getAttribute("html", "lang"), lang);
  const other = lang === "vi" ? "en" : "vi";
  const link = page.locator("#other-lang");
  assert.equal(await link.getAttribute("hreflang"), other);
  assert.equal(await link.getAttribute("lang"), other);
  const href = await link.getAttribute("href");
  assert.ok(href.includes("as_of=2026-05-31") && href.includes("lang=en") === (other === "en"), href);
  const headings = await page.$$eval("h1, h2, h3, th, title", (els) => els.map((e) => e.textContent));
  assert.ok(headings.length > 20, `${headings.length} headings`);
  if (lang === "en") {
    const vi = headings.filter((h) => VIETNAMESE.test(h));
    assert.deepEqual(vi, [], "the English report has Vietnamese headings");
  } else {
    assert.ok(headings.some((h) => h.includes("Các mục tiêu")), "the Vietnamese report has its headings");
  }
  // Printed: the link is a screen's, and the indicators board starts on
  // the first page, right after the title: no page holds the title alone.
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: Math.floor(((210 - 24) / 25.4) * 96), height: 1000 });
  assert.equal(await link.isVisible(), false, "the language link is printed");
  const firstPage = ((297 - 24) / 25.4) * 96; // A4 less the page's margins, in CSS px
  const boardTop = await page.evaluate(() => document.querySelector("table.indicators tbody tr").getBoundingClientRect().top + window.scrollY);
  assert.ok(boardTop < firstPage / 2, `${lang}: the board's first row is ${boardTop} px down, past the first half page`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= Math.ceil(((210 - 24) / 25.4) * 96), `${lang}: the printed report is ${width} px wide`);
  const pdf = await page.pdf({ format: "A4" });
  await page.screenshot({ path: join(artifacts, `report-${lang}-print.png`), fullPage: true });
  await page.close();
  return { pages: pdfPages(pdf), href };
}

describe("officials", () => {
  test("the report prints in English in no more A4 pages than in Vietnamese, and each links to the other", async (t) => {
    const vi = await printReport("vi");
    const en = await printReport("en");
    t.diagnostic(`A4 pages: Vietnamese ${vi.pages}, English ${en.pages}`);
    assert.ok(vi.pages >= 1 && vi.pages <= 4, `Vietnamese: ${vi.pages} A4 pages`);
    assert.ok(en.pages >= 1 && en.pages <= vi.pages, `English: ${en.pages} A4 pages, Vietnamese ${vi.pages}`);
    // The link leads to the other language with the same figures.
    const page = await newPage({ width: 390, height: 844 });
    await page.goto(`${base}${vi.href}`);
    await page.locator("section h2").first().waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    const code = await page.locator("p.meta").nth(1).locator("strong").textContent();
    await page.click("#other-lang");
    await page.waitForFunction(() => document.documentElement.lang === "vi" && document.querySelector("section h2"));
    assert.equal(await page.locator("p.meta").nth(1).locator("strong").textContent(), code, "the two languages' check codes differ");
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390, "the report is wider than a phone");
    await page.close();
  });

  test("the application's report link opens the report in the page's language", async () => {
    const page = await newPage({ width: 1366, height: 850 });
    await openMap(page, "#tab=indicators");
    const link = page.locator("#indicators-report");
    await link.waitFor();
    assert.equal(await link.getAttribute("href"), "/api/v1/report?lang=vi");
    await page.click('.lang button[data-lang="en"]');
    await page.waitForFunction(() => document.getElementById("indicators-report")?.getAttribute("href") === "/api/v1/report?lang=en");
    const [report] = await Promise.all([page.waitForEvent("popup"), link.click()]);
    await report.waitForFunction(() => document.querySelector("section h2"));
    assert.equal(await report.getAttribute("html", "lang"), "en");
    assert.equal(await report.locator("h2").nth(1).textContent(), "2. Targets");
    await report.close();
    await page.click("#tab-targets");
    await page.waitForFunction(() => document.getElementById("targets-report")?.getAttribute("href") === "/api/v1/report?lang=en");
    await page.click('.lang button[data-lang="vi"]');
    await page.waitForFunction(() => document.getElementById("targets-report")?.getAttribute("href") === "/api/v1/report?lang=vi");
    await page.close();
  });

  test("the indicators tab says the date of its figures and when they were computed", async () => {
    const { body } = await api("/api/v1/indicators");
    assert.match(body.data_as_of, /^\d{4}-\d\d-\d\d$/);
    const [y, m, d] = body.data_as_of.split("-");
    const page = await newPage({ width: 1366, height: 850 });
    await openMap(page, "#tab=indicators");
    const line = page.locator("#indicators-data-line");
    // The page's one date style: 02/12/2026 15:54 (vi), 2 Dec 2026, 15:54 (en), in the browser's local time.
    const computed = (lang) =>
      page.evaluate(
        ([iso, lang]) => {
          const t = new Date(iso);
          const two = (n) => String(n).padStart(2, "0");
          const hm = `${two(t.getHours())}:${two(t.getMinutes())}`;
          const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
          return lang === "en"
            ? `${t.getDate()} ${months[t.getMonth()]} ${t.getFullYear()}, ${hm}`
            : `${two(t.getDate())}/${two(t.getMonth() + 1)}/${t.getFullYear()} ${hm}`;
        },
        [body.computed_at, lang],
      );
    await line.waitFor();
    assert.equal(await line.textContent(), `Số liệu đến ngày ${d}/${m}/${y} · tính lúc ${await computed("vi")}`);
    await page.click('.lang button[data-lang="en"]');
    const date = `${Number(d)} ${["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][Number(m) - 1]} ${y}`;
    const want = `Figures as of ${date} · computed at ${await computed("en")}`;
    await page.waitForFunction((w) => document.getElementById("indicators-data-line")?.textContent === w, want);
    await page.click('.lang button[data-lang="vi"]');
    await page.waitForFunction(() => document.getElementById("indicators-data-line")?.textContent.startsWith("Số liệu đến ngày"));
    await page.close();
  });
});
