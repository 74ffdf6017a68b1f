// The date the map is seen as of: a date field, and a slider over the dates
// on which a filing took effect (the dates the figures change; the last
// step is "now"). The date is the application's one date (state.asOf,
// &as_of= in the URL): the map's colours, the summary, the districts, the
// indicators' board and the downloads are all of it. A date after today is
// refused here with a message, as the service refuses it (as_of is "not
// after today").
import { h } from "./dom";
import { fmtDate, t } from "./i18n";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today's date as the service counts days (UTC), YYYY-MM-DD. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Why a date cannot be shown, or null when it can (empty means now). */
export function dateProblem(d: string): string | null {
  if (d === "") return null;
  if (!DATE.test(d) || Number.isNaN(Date.parse(d)) || new Date(d).toISOString().slice(0, 10) !== d) return t("date.invalid", { date: d });
  if (d > today()) return t("date.future", { date: fmtDate(d), today: fmtDate(today()) });
  return null;
}

export interface DateBarOptions {
  /** Called with the date chosen (null: now); only valid dates. */
  onChange: (date: string | null) => void;
}

export class DateBar {
  readonly el: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly slider: HTMLInputElement;
  private readonly shown: HTMLOutputElement;
  private readonly now: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly label: HTMLLabelElement;
  private readonly sliderLabel: HTMLLabelElement;
  /** The dates a filing took effect, oldest first. */
  private dates: string[] = [];
  private value: string | null = null;

  constructor(private readonly opt: DateBarOptions) {
    this.legend = h("legend", {});
    this.label = h("label", { for: "asof-date" });
    this.input = h("input", { type: "date", id: "asof-date", max: today(), "aria-describedby": "asof-error asof-shown" });
    this.now = h("button", { type: "button", id: "asof-now", class: "btn-small" });
    this.sliderLabel = h("label", { for: "asof-slider", class: "visually-hidden" });
    this.slider = h("input", { type: "range", id: "asof-slider", min: 0, max: 0, step: 1, value: 0, "aria-describedby": "asof-shown" });
    this.shown = h("output", { id: "asof-shown", for: "asof-slider", class: "asof-shown" });
    this.error = h("p", { id: "asof-error", class: "field-error", role: "alert", hidden: true });
    this.el = h(
      "fieldset",
      { class: "date-bar", id: "date-bar" },
      this.legend,
      h("div", { class: "date-row" }, h("div", { class: "date-field" }, this.label, this.input), this.now),
      h("div", { class: "slider-row" }, this.sliderLabel, this.slider, this.shown),
      this.error,
    );
    // The field reports a value once it is a whole date; "change" then.
    this.input.addEventListener("change", () => this.fromInput());
    this.slider.addEventListener("input", () => this.fromSlider());
    this.now.addEventListener("click", () => this.pick(null));
    this.render();
  }

  /** The dates the slider steps through. */
  setDates(dates: string[]): void {
    this.dates = [...new Set(dates.filter((d) => DATE.test(d) && d <= today()))].sort();
    this.slider.max = String(this.dates.length);
    this.slider.disabled = this.dates.length === 0;
    this.sync();
  }

  /** Shows a date chosen elsewhere (the URL, the indicators' board). */
  set(date: string | null): void {
    this.value = date;
    this.error.hidden = true;
    this.sync();
  }

  /** Says a date could not be used (from a link, say). */
  showProblem(text: string): void {
    this.error.textContent = text;
    this.error.hidden = false;
    this.input.setAttribute("aria-invalid", "true");
  }

  /** Disables the controls (tile mode: the tiles are of now only). */
  disable(why: string): void {
    this.input.disabled = this.slider.disabled = this.now.disabled = true;
    this.el.title = why;
  }

  render(): void {
    this.legend.textContent = t("date.legend");
    this.label.textContent = t("date.field");
    this.sliderLabel.textContent = t("date.slider");
    this.now.textContent = t("date.now");
    this.sync();
  }

  private fromInput(): void {
    const v = this.input.value;
    // A partly typed or impossible date leaves the field empty with badInput.
    if (this.input.validity.badInput) return this.showProblem(t("date.badInput"));
    const problem = dateProblem(v);
    if (problem) return this.showProblem(problem);
    this.pick(v || null);
  }

  private fromSlider(): void {
    const i = Number(this.slider.value);
    this.pick(i >= this.dates.length ? null : this.dates[i]);
  }

  private pick(date: string | null): void {
    this.error.hidden = true;
    this.input.removeAttribute("aria-invalid");
    if (date === this.value) return this.sync();
    this.value = date;
    this.sync();
    this.opt.onChange(date);
  }

  /** The field, the slider and the text shown agree with the value. */
  private sync(): void {
    if (document.activeElement !== this.input || !this.input.value) this.input.value = this.value ?? "";
    this.input.max = today();
    // The slider's step: the last date a filing took effect on or before the value.
    let i = this.dates.length;
    if (this.value) {
      i = 0;
      while (i + 1 < this.dates.length && this.dates[i + 1] <= this.value) i++;
    }
    this.slider.value = String(i);
    const text = this.value ? fmtDate(this.value) : t("date.nowText");
    this.shown.textContent = text;
    this.slider.setAttribute("aria-valuetext", text);
    this.now.disabled = this.value === null;
  }
}
