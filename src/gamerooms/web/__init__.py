"""The demo web client: Django pages around the browser client `static/gamerooms/gamerooms.js`."""
