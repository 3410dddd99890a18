/* Dash 4's dropdown puts keyboard focus on a hidden, aria-hidden input and takes its own
   button out of the tab order: screen readers then land on nothing (axe-core:
   aria-hidden-focus). Give the focus back to the labelled button, which opens the list
   with Enter or Space, and take the hidden input out of the tab order. */
(function () {
  function repair(root) {
    root.querySelectorAll('.dash-dropdown-wrapper').forEach(function (wrapper) {
      var hidden = wrapper.querySelector('.dash-dropdown-focus-target');
      var button = wrapper.querySelector('button.dash-dropdown');
      if (hidden && hidden.getAttribute('tabindex') !== '-1') { hidden.setAttribute('tabindex', '-1'); }
      if (button && button.getAttribute('tabindex') !== '0') { button.setAttribute('tabindex', '0'); }
    });
  }
  new MutationObserver(function () { repair(document); })
    .observe(document.documentElement, {childList: true, subtree: true, attributes: true,
                                        attributeFilter: ['tabindex']});
})();
