/* Thước đo embed resizer (optional): <script src="https://…/embed.js" async></script>
   Sets each Thước đo iframe's height to its content's. The iframe snippet works without it. */
(function () {
  if (window.__thuocdoResizer) return;
  window.__thuocdoResizer = true;
  window.addEventListener('message', function (event) {
    var data = event.data, height = null;
    if (data && typeof data === 'object') {
      if (data.sentinel === 'amp' && data.type === 'embed-size') height = data.height;
      else if (data['thuocdo-height']) for (var k in data['thuocdo-height']) height = data['thuocdo-height'][k];
    }
    if (typeof height !== 'number' || !(height > 0) || height > 20000) return;
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) frames[i].style.height = Math.ceil(height) + 'px';
    }
  });
})();
