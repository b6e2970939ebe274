// Supervision dashboard charts (ECharts). Data comes from the page's json_script element.
(function () {
  "use strict";
  var node = document.getElementById("supervision-chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var colours = data.colours;

  var trendEl = document.getElementById("trend-chart");
  if (trendEl) {
    var trend = echarts.init(trendEl);
    trend.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { data: colours.map(function (c) { return c.label; }) },
      grid: { left: 40, right: 16, bottom: 40 },
      xAxis: { type: "category", data: data.trend.months },
      yAxis: { type: "value", minInterval: 1, name: "节点数" },
      series: colours.map(function (c) {
        return { name: c.label, type: "line", smooth: false, itemStyle: { color: c.hex }, data: data.trend.series[c.code] || [] };
      })
    });
    window.addEventListener("resize", function () { trend.resize(); });
  }

  var progEl = document.getElementById("programme-chart");
  if (progEl) {
    var prog = echarts.init(progEl);
    var stacks = colours.map(function (c) { return { code: c.code, label: c.label, hex: c.hex }; });
    stacks.push({ code: "none", label: "无标记", hex: "#adb5bd" });
    stacks.push({ code: "complete", label: "已完成", hex: "#198754" });
    prog.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { data: stacks.map(function (s) { return s.label; }) },
      grid: { left: 150, right: 16, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.programmes.names, axisLabel: { interval: 0, width: 140, overflow: "truncate" } },
      series: stacks.map(function (s) {
        return { name: s.label, type: "bar", stack: "all", itemStyle: { color: s.hex }, data: data.programmes.series[s.code] || [] };
      })
    });
    window.addEventListener("resize", function () { prog.resize(); });
  }
})();
