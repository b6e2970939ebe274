#!/usr/bin/env bash
# Install the pinned front-end packages from the npm registry and copy the files the pages
# use into static/vendor/ (git-ignored). Nothing is loaded from a CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
rm -rf static/vendor
mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/echarts static/vendor/axe-core
cp node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
# The accessibility checker of the browser tests (tests/browser/test_portal_accessibility.py); no page loads it.
cp node_modules/axe-core/axe.min.js static/vendor/axe-core/
for pkg in bootstrap htmx.org echarts axe-core; do
  node -e "const p=require('./node_modules/$pkg/package.json'); console.log(p.name+'@'+p.version+' '+p.license)"
done > static/vendor/VERSIONS.txt
