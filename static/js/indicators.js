// Indicator dashboard charts: city trend, district comparison and a tile map of Yantai.
(function () {
  "use strict";
  var node = document.getElementById("indicator-data");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var select = document.getElementById("chart-indicator");
  var trend = echarts.init(document.getElementById("chart-trend"));
  var regions = echarts.init(document.getElementById("chart-regions"));
  var map = echarts.init(document.getElementById("chart-map"));

  function find(code) {
    return data.indicators.filter(function (i) { return i.code === code; })[0];
  }

  function draw() {
    var ind = find(select.value);
    if (!ind) { return; }
    var series = [{ name: ind.name, type: "line", data: ind.trend, label: { show: true } }];
    if (ind.target !== null) {
      series.push({ name: "目标", type: "line", data: ind.trend.map(function (p) { return [p[0], ind.target]; }),
                    lineStyle: { type: "dashed" }, symbol: "none" });
    }
    trend.setOption({
      title: { text: "全市趋势（" + ind.unit + "）", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", renderMode: "richText" }, legend: { bottom: 0 },
      xAxis: { type: "category", data: data.years.map(String) }, yAxis: { type: "value" },
      series: series.map(function (s) { s.data = s.data.map(function (p) { return p[1]; }); return s; })
    }, true);
    regions.setOption({
      title: { text: "各区市比较", textStyle: { fontSize: 14 } }, tooltip: { renderMode: "richText" },
      grid: { left: 100 }, xAxis: { type: "value" },
      yAxis: { type: "category", data: ind.regions.map(function (r) { return r.name; }), inverse: true },
      series: [{ type: "bar", data: ind.regions.map(function (r) { return r.value; }), label: { show: true, position: "right" } }]
    }, true);
    var values = ind.regions.filter(function (r) { return r.value !== null; }).map(function (r) { return r.value; });
    var cells = ind.regions.filter(function (r) { return data.tiles[r.code]; }).map(function (r) {
      var t = data.tiles[r.code];
      return { value: [t[0], t[1], r.value === null ? "-" : r.value], name: r.name };
    });
    map.setOption({
      title: { text: "区市瓦片图", textStyle: { fontSize: 14 } },
      tooltip: { renderMode: "richText", formatter: function (p) { return p.data.name + "：" + p.data.value[2]; } },
      xAxis: { type: "category", data: [0, 1, 2, 3, 4, 5, 6, 7], show: false },
      yAxis: { type: "category", data: [0, 1, 2, 3], inverse: true, show: false },
      visualMap: { min: values.length ? Math.min.apply(null, values) : 0, max: values.length ? Math.max.apply(null, values) : 1,
                   calculable: true, orient: "horizontal", left: "center", bottom: 0 },
      series: [{ type: "heatmap", data: cells, label: { show: true, formatter: function (p) { return p.data.name + "\n" + p.data.value[2]; } } }]
    }, true);
  }
  select.addEventListener("change", draw);
  window.addEventListener("resize", function () { trend.resize(); regions.resize(); map.resize(); });
  draw();
})();
