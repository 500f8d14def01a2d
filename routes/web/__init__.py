"""The web layer of routes: pages, API views, URL patterns, forms, serializers and home-page
panels."""
