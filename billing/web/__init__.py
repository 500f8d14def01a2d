"""The web layer of billing: pages, API views, URL patterns, forms, serializers and home-page
panels."""
