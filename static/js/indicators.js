// Indicator dashboard charts: city trend, district comparison and a tile map of Yantai.
// Values are labelled with the text the server wrote for them (4.55 亿元, 682.4 万人: lib.numbers);
// axes show 万/亿 instead of long numbers; every district is labelled.
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

  // An axis tick in 万 or 亿 (at most two decimals), as the pages write numbers.
  function short(value) {
    var size = Math.abs(value);
    function trim(x) { return String(Math.round(x * 100) / 100); }
    if (size >= 1e8) { return trim(value / 1e8) + "亿"; }
    if (size >= 1e4) { return trim(value / 1e4) + "万"; }
    return trim(value);
  }

  function draw() {
    var ind = find(select.value);
    if (!ind) { return; }
    var series = [{ name: ind.name, type: "line", data: ind.trend,
                    label: { show: true, formatter: function (p) { return ind.trend_text[p.dataIndex]; } } }];
    if (ind.target !== null) {
      series.push({ name: "目标", type: "line", data: ind.trend.map(function (p) { return [p[0], ind.target]; }),
                    lineStyle: { type: "dashed" }, symbol: "none" });
    }
    trend.setOption({
      title: { text: "全市趋势（" + ind.unit + "）", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return v === null || v === undefined ? "—" : short(v); } },
      legend: { bottom: 0 },
      xAxis: { type: "category", data: data.years.map(String) },
      yAxis: { type: "value", axisLabel: { formatter: short } },
      series: series.map(function (s) { s.data = s.data.map(function (p) { return p[1]; }); return s; })
    }, true);
    regions.setOption({
      title: { text: "各区市比较", textStyle: { fontSize: 14 } },
      tooltip: { renderMode: "richText", formatter: function (p) { return p.name + "：" + ind.regions[p.dataIndex].text; } },
      grid: { left: 100, right: 90 }, xAxis: { type: "value", axisLabel: { formatter: short } },
      // interval 0: every district's name, even when ECharts thinks they are crowded
      yAxis: { type: "category", data: ind.regions.map(function (r) { return r.name; }), inverse: true,
               axisLabel: { interval: 0 } },
      series: [{ type: "bar", data: ind.regions.map(function (r) { return r.value; }),
                 label: { show: true, position: "right", formatter: function (p) { return ind.regions[p.dataIndex].text; } } }]
    }, true);
    var values = ind.regions.filter(function (r) { return r.value !== null; }).map(function (r) { return r.value; });
    var cells = ind.regions.filter(function (r) { return data.tiles[r.code]; }).map(function (r) {
      var t = data.tiles[r.code];
      return { value: [t[0], t[1], r.value === null ? "-" : r.value], name: r.name, text: r.text };
    });
    map.setOption({
      title: { text: "区市瓦片图", textStyle: { fontSize: 14 } },
      tooltip: { renderMode: "richText", formatter: function (p) { return p.data.name + "：" + p.data.text; } },
      xAxis: { type: "category", data: [0, 1, 2, 3, 4, 5, 6, 7], show: false },
      yAxis: { type: "category", data: [0, 1, 2, 3], inverse: true, show: false },
      visualMap: { min: values.length ? Math.min.apply(null, values) : 0, max: values.length ? Math.max.apply(null, values) : 1,
                   calculable: true, orient: "horizontal", left: "center", bottom: 0, formatter: short },
      series: [{ type: "heatmap", data: cells, label: { show: true, formatter: function (p) { return p.data.name + "\n" + p.data.text; } } }]
    }, true);
  }
  select.addEventListener("change", draw);
  window.addEventListener("resize", function () { trend.resize(); regions.resize(); map.resize(); });
  draw();
})();
