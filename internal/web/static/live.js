// The collections page: new collections arrive from the server (an
// EventSource that reconnects by itself and goes on from the last one it
// got) and are added on top, with the total moved.
(function () {
  var box = document.getElementById('collections');
  if (!box || !window.EventSource) return;
  var rows = document.getElementById('collection-rows');
  var total = document.getElementById('collections-total');
  var count = document.getElementById('collections-count');
  var badge = document.getElementById('live-state');
  var es = new EventSource(box.getAttribute('data-live'));
  es.onopen = function () { badge.hidden = false; };
  es.onerror = function () { badge.hidden = true; };
  function cell(text, cls) {
    var td = document.createElement('td');
    if (cls) td.className = cls;
    td.textContent = text;
    return td;
  }
  es.addEventListener('collection', function (ev) {
    var c = JSON.parse(ev.data);
    if (rows.querySelector('tr[data-id="' + c.ID + '"]')) return;
    var none = rows.querySelector('tr.none');
    if (none) none.remove();
    var tr = document.createElement('tr');
    tr.setAttribute('data-id', c.ID);
    tr.className = 'new';
    tr.appendChild(cell(c.When));
    var who = cell('');
    var a = document.createElement('a');
    a.href = '/customers/' + encodeURIComponent(c.CustomerID);
    a.textContent = c.Customer;
    who.appendChild(a);
    tr.appendChild(who);
    var how = cell(c.Instrument);
    if (c.Receipt) {
      var d = document.createElement('div');
      d.className = 'sub';
      var r = document.createElement('a');
      r.href = '/collections/' + encodeURIComponent(c.ID) + '/receipt';
      r.textContent = c.Receipt;
      d.appendChild(r);
      how.appendChild(d);
    }
    tr.appendChild(how);
    tr.appendChild(cell(c.Amount, 'num'));
    var st = cell('');
    var tag = document.createElement('span');
    tag.className = 'tag st-' + c.State;
    tag.textContent = c.StateLabel;
    st.appendChild(tag);
    tr.appendChild(st);
    rows.insertBefore(tr, rows.firstChild);
    if (c.State !== 'voided') count.textContent = String(parseInt(count.textContent, 10) + 1);
    total.textContent = c.Total; // summed and formatted by the server
  });
})();
