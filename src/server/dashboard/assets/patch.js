// Puts new markup into the page without replacing what is already there: the page redraws
// twice a second, and a replaced node under the pointer would swallow the click.

/**
 * Updates `el` to match `html` in place, element by element: same-named elements keep their
 * identity (focus, hover, a half-done click) and only changed attributes and text are written.
 * @param {Element} el
 * @param {string} html markup built from escaped values (render.js)
 */
export function patch(el, html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  morphChildren(el, tpl.content);
}

/** Makes `from`'s children match `to`'s, reusing a node wherever type and name agree. */
function morphChildren(from, to) {
  const next = [...to.childNodes];
  for (let i = 0; i < next.length; i++) {
    const a = from.childNodes[i];
    const b = next[i];
    if (!a) from.appendChild(b);
    else if (a.nodeType !== b.nodeType || a.nodeName !== b.nodeName) from.replaceChild(b, a);
    else if (a.nodeType === Node.ELEMENT_NODE) {
      for (const { name } of [...a.attributes]) if (!b.hasAttribute(name)) a.removeAttribute(name);
      for (const { name, value } of [...b.attributes])
        if (a.getAttribute(name) !== value) a.setAttribute(name, value);
      morphChildren(a, b);
    } else if (a.nodeValue !== b.nodeValue) a.nodeValue = b.nodeValue;
  }
  while (from.childNodes.length > next.length) from.lastChild.remove();
}
