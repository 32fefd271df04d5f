// Draws each trend chart ([data-chart] + its <script type="application/json"> spec) with
// Vega-Lite. window.vegaEmbed comes from /static/vega.js, loaded as a module just before.
const embed = window.vegaEmbed;

for (const element of document.querySelectorAll("[data-chart]")) {
  const source = document.getElementById(element.dataset.chart);
  if (!source) continue;
  const spec = JSON.parse(source.textContent);
  embed(element, spec, { actions: false, renderer: "svg", mode: "vega-lite" }).catch((error) => {
    element.textContent = element.dataset.error || "chart unavailable";
    console.error(error);
  });
}
